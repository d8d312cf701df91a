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
  // One durable per subject the importer acts on: a filter on all image events would make it decode
  // and ack every tag.changed (the bulk of the traffic) only to ignore it.
  eventConsumers: [
    { stream: StreamNames.imageEvents, durable: ConsumerNames.importerImportSpecs, filterSubject: EventSubjects.importSpecChanged },
    { stream: StreamNames.imageEvents, durable: ConsumerNames.importerStreamDeletions, filterSubject: EventSubjects.imageStreamDeleted },
    { stream: StreamNames.imageEvents, durable: ConsumerNames.importerTagDeletions, filterSubject: EventSubjects.tagDeleted },
    { stream: StreamNames.imageEvents, durable: ConsumerNames.importerNamespaceDeletions, filterSubject: EventSubjects.namespaceDeleted },
  ],
});
