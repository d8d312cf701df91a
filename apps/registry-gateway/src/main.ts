import 'reflect-metadata';
import { ConsumerNames, EventSubjects, StreamNames } from '@imagestreams/contracts';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { configureHttpEdge } from './http/http-edge';
import { RegistryGatewayConfig } from './registry-gateway.config';

// No request transport: the gateway only sends requests. It consumes one event: a deleted image
// stream removes its registry repository.
void runService({
  name: SERVICE_NAME,
  configClass: RegistryGatewayConfig,
  rootModule: (config) => AppModule.register(config),
  eventConsumers: [{ stream: StreamNames.imageEvents, durable: ConsumerNames.registryGatewayImageEvents, filterSubject: EventSubjects.imageStreamDeleted }],
  configureHttp: (app, config) => configureHttpEdge(app, { maxBodyBytes: config.MAX_BODY_BYTES, registry: true }),
});
