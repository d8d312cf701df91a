import 'reflect-metadata';
import { ConsumerNames, EventSubjects, QueueGroups, StreamNames } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { TemplateServiceConfig } from './template-service.config';

void runService({
  name: SERVICE_NAME,
  configClass: TemplateServiceConfig,
  rootModule: (config) => AppModule.register(config),
  queueGroup: QueueGroups.templateService,
  eventConsumers: [{ stream: StreamNames.imageEvents, durable: ConsumerNames.templateServiceNamespaceDeletions, filterSubject: EventSubjects.namespaceDeleted }],
});
