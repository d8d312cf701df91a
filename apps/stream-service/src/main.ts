import 'reflect-metadata';
import { QueueGroups } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { NATS_CONNECTION, NatsRequestServer } from '@imagestreams/platform-messaging';
import { AppModule, SERVICE_NAME } from './app.module';
import { StreamServiceConfig } from './stream-service.config';

void runService({
  name: SERVICE_NAME,
  configClass: StreamServiceConfig,
  rootModule: (config) => AppModule.register(config),
  transports: (app) => [new NatsRequestServer(app.get(NATS_CONNECTION), QueueGroups.streamService)],
});
