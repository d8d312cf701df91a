import { type DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { WatchLogPruner } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';
import { NamespacesModule } from '../namespaces/namespaces.module';
import { SpecResolver } from '../stream-writes/spec-resolver';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { StreamWriter } from '../stream-writes/stream-writer';
import { CreateImageStream } from './create-image-stream';
import { CreateImageStreamMapping } from './create-image-stream-mapping';
import { DeleteImageStream } from './delete-image-stream';
import { DeleteImageStreamTag } from './delete-image-stream-tag';
import { DeleteNamespace } from './delete-namespace';
import { ImageStreamQueries } from './image-stream-queries';
import { ImageStreamTagQueries } from './image-stream-tag-queries';
import { ImageStreamRepository } from './image-stream.repository';
import { ImageStreamTagsRequests } from './image-stream-tags.requests';
import { ImageStreamWritesRequests } from './image-stream-writes.requests';
import { ImageStreamsRequests } from './image-streams.requests';
import { ListImageStreams } from './list-image-streams';
import { RenderedStreamCache } from './rendered-stream-cache';
import { PatchImageStream } from './patch-image-stream';
import { PutImageStreamTag } from './put-image-stream-tag';
import { REGISTRY_HOSTS } from './registry-hosts';
import { RollbackImageStreamTag } from './rollback-image-stream-tag';
import { UpdateImageStream } from './update-image-stream';
import { ImageStreamChangesQueryHandler } from '../watch/image-stream-changes';
import { WatchLogRepository } from '../watch/watch-log.repository';
import { WatchRequests } from '../watch/watch.requests';

@Module({})
export class ImageStreamsModule {
  static register(settings: StreamSettings): DynamicModule {
    return {
      module: ImageStreamsModule,
      imports: [NamespacesModule],
      controllers: [ImageStreamsRequests, ImageStreamWritesRequests, ImageStreamTagsRequests, WatchRequests],
      providers: [
        { provide: STREAM_SETTINGS, useValue: settings },
        { provide: REGISTRY_HOSTS, useValue: settings.hosts },
        ImageStreamRepository,
        StreamWriter,
        SpecResolver,
        ImageStreamQueries,
        RenderedStreamCache,
        ListImageStreams,
        ImageStreamTagQueries,
        CreateImageStreamMapping,
        CreateImageStream,
        UpdateImageStream,
        PatchImageStream,
        DeleteImageStream,
        DeleteNamespace,
        PutImageStreamTag,
        DeleteImageStreamTag,
        RollbackImageStreamTag,
        WatchLogRepository,
        ImageStreamChangesQueryHandler,
        { provide: WatchLogPruner, useFactory: (dataSource: DataSource, settings: StreamSettings) => new WatchLogPruner(dataSource, settings.watchRetentionMs), inject: [getDataSourceToken(), STREAM_SETTINGS] },
      ],
      exports: [ImageStreamRepository, REGISTRY_HOSTS, STREAM_SETTINGS, StreamWriter, DeleteImageStreamTag, ImageStreamQueries],
    };
  }
}
