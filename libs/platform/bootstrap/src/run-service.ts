import 'reflect-metadata';
import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type BaseServiceConfig, ConfigValidationError, loadConfig, type ConfigClass } from '@imagestreams/platform-config';
import { JetStreamEventServer, NATS_CONNECTION, NatsRequestServer, type DurableConsumerSettings } from '@imagestreams/platform-messaging';
import { HTTP_REQUEST_LOGGER, instrumentHttp, ServiceLogger } from '@imagestreams/platform-observability';
import type { RequestHandler } from 'express';
import { type ClosableTransport, installGracefulShutdown } from './graceful-shutdown';

export interface ServiceDefinition<TConfig extends BaseServiceConfig> {
  name: string;
  configClass: ConfigClass<TConfig>;
  rootModule: (config: TConfig) => DynamicModule;
  /** Queue group for the service's `@OnRequest` handlers: N replicas share requests. Omit for none. */
  queueGroup?: string;
  /** Durable JetStream consumers feeding the service's `@OnEvent` handlers. */
  eventConsumers?: DurableConsumerSettings[];
  configureHttp?: (app: INestApplication, config: TConfig) => void;
}

/**
 * The one way every service starts: validate config (exit listing every problem), build the
 * module, attach transports, listen, and stop gracefully on SIGTERM/SIGINT.
 */
export async function runService<TConfig extends BaseServiceConfig>(definition: ServiceDefinition<TConfig>): Promise<INestApplication> {
  let config: TConfig;
  try {
    config = loadConfig(definition.configClass);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }

  const app = await NestFactory.create(definition.rootModule(config), { bufferLogs: true });
  const logger = app.get(ServiceLogger);
  app.useLogger(logger);
  // First in the HTTP chain, ahead of anything configureHttp mounts: metrics and the request's span.
  instrumentHttp(app);
  definition.configureHttp?.(app, config);
  // After the service's own edge: the API's requests get a log line each, the gateway's /v2 router
  // (mounted there, with an audit trail of its own) answers before it and pays nothing for it.
  app.use(app.get<RequestHandler>(HTTP_REQUEST_LOGGER));
  const transports: ClosableTransport[] = [];
  if (definition.queueGroup) {
    const requests = new NatsRequestServer(app.get(NATS_CONNECTION), definition.queueGroup);
    transports.push(requests);
    app.connectMicroservice({ strategy: requests }, { inheritAppConfig: true });
  }
  if (definition.eventConsumers?.length) {
    const events = new JetStreamEventServer(app.get(NATS_CONNECTION), { consumers: definition.eventConsumers });
    transports.push(events);
    app.connectMicroservice({ strategy: events }, { inheritAppConfig: true });
  }
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  installGracefulShutdown(app, transports, config.SHUTDOWN_TIMEOUT_MS, logger);
  logger.log(`${definition.name} listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`, 'Bootstrap');
  return app;
}
