import 'reflect-metadata';
import { ConsumerNames, EventSubjects, QueueGroups, StreamNames } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { ImporterConfig } from './importer.config';

void runService({
  name: SERVICE_NAME,
  configClass: ImporterConfig,
  rootModule: (config) => AppModule.register(config),
  queueGroup: QueueGroups.importer,
  // Import specs, deleted streams and deleted tags; the other image events are acked unread.
  eventConsumers: [{ stream: StreamNames.imageEvents, durable: ConsumerNames.importerImageEvents, filterSubject: EventSubjects.allImageEvents }],
});
