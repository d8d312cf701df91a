import 'reflect-metadata';
import { runService } from '@imagestreams/platform-bootstrap';
import { AppModule, SERVICE_NAME } from './app.module';
import { configureHttpEdge } from './http/http-edge';
import { RegistryGatewayConfig } from './registry-gateway.config';

// No transports: the gateway only sends requests to the owning services.
void runService({
  name: SERVICE_NAME,
  configClass: RegistryGatewayConfig,
  rootModule: (config) => AppModule.register(config),
  configureHttp: (app, config) => configureHttpEdge(app, { maxBodyBytes: config.MAX_BODY_BYTES }),
});
