import { type DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { WatchLogPruner } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';
import { ChangeNotifier } from './change-notifier';
import { ResourceChangesReader } from './resource-changes.reader';
import { WatchLogRepository } from './watch-log.repository';
import { WATCH_SETTINGS, type WatchSettings } from './watch-settings';

/**
 * The change log of templates and template instances: what their repositories wake watchers with,
 * what the `changes` requests read, and its pruning. Global, because the samples operator writes
 * templates through a repository of its own module.
 */
@Global()
@Module({})
export class TemplateWatchModule {
  static register(settings: WatchSettings): DynamicModule {
    return {
      module: TemplateWatchModule,
      providers: [
        { provide: WATCH_SETTINGS, useValue: settings },
        WatchLogRepository,
        ChangeNotifier,
        ResourceChangesReader,
        { provide: WatchLogPruner, useFactory: (dataSource: DataSource) => new WatchLogPruner(dataSource, settings.retentionMs), inject: [getDataSourceToken()] },
      ],
      exports: [ChangeNotifier, ResourceChangesReader],
    };
  }
}
