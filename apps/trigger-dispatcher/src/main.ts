import 'reflect-metadata';
import { ConsumerNames, EventSubjects, QueueGroups, StreamNames } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { TriggerDispatcherConfig } from './trigger-dispatcher.config';

void runService({
  name: SERVICE_NAME,
  configClass: TriggerDispatcherConfig,
  rootModule: (config) => AppModule.register(config),
  queueGroup: QueueGroups.triggerDispatcher,
  eventConsumers: [
    { stream: StreamNames.imageEvents, durable: ConsumerNames.triggerDispatcherImageEvents, filterSubject: EventSubjects.allImageEvents },
    { stream: StreamNames.triggerEvents, durable: ConsumerNames.triggerDispatcherTriggerEvents, filterSubject: EventSubjects.allTriggerEvents },
  ],
});
