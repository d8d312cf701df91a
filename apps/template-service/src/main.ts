import 'reflect-metadata';
import { QueueGroups } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { TemplateServiceConfig } from './template-service.config';

void runService({ name: SERVICE_NAME, configClass: TemplateServiceConfig, rootModule: (config) => AppModule.register(config), queueGroup: QueueGroups.templateService });
