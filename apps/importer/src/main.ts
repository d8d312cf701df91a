import 'reflect-metadata';
import { QueueGroups } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { ImporterConfig } from './importer.config';

void runService({ name: SERVICE_NAME, configClass: ImporterConfig, rootModule: (config) => AppModule.register(config), queueGroup: QueueGroups.importer });
