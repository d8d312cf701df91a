import { type DynamicModule, Module } from '@nestjs/common';
import type { RequestHandler } from 'express';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { redactSecretPath } from '../secret-paths';
import { traceLogFields } from '../tracing/tracing';
import { ServiceLogger } from './service-logger';

export interface LoggingOptions {
  serviceName: string;
  level: string;
  /** Where lines go; stdout when omitted. */
  destination?: pino.DestinationStream;
}

/** Express middleware writing one line per HTTP request (pino-http); mounted by the service bootstrap. */
export const HTTP_REQUEST_LOGGER = Symbol('HTTP_REQUEST_LOGGER');

/** The path itself can hold a credential; route params repeat it, so they are left out. */
export const requestLogSerializers = {
  req: (req: { url?: string; params?: unknown }) => ({ ...req, url: typeof req.url === 'string' ? redactSecretPath(req.url) : req.url, params: undefined }),
};

/** The service's pino logger: JSON on stdout, lines written while a span is active carry its `trace_id` and `span_id`. */
function serviceLogger(options: LoggingOptions): pino.Logger {
  const settings: pino.LoggerOptions = {
    level: options.level,
    base: { service: options.serviceName },
    mixin: traceLogFields,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** One line per HTTP request with its latency, health probes and scrapes excluded. */
function httpRequestLogger(logger: pino.Logger): RequestHandler {
  return pinoHttp({
    logger,
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
    serializers: requestLogSerializers,
  }) as unknown as RequestHandler;
}

/**
 * JSON logs on stdout (pino): Nest's own logger (ServiceLogger, installed by runService) and one
 * line per HTTP request (HTTP_REQUEST_LOGGER, mounted by runService ahead of every route).
 */
@Module({})
export class LoggingModule {
  static forService(options: LoggingOptions): DynamicModule {
    const logger = serviceLogger(options);
    return {
      module: LoggingModule,
      providers: [
        { provide: ServiceLogger, useValue: new ServiceLogger(logger) },
        { provide: HTTP_REQUEST_LOGGER, useValue: httpRequestLogger(logger) },
      ],
      exports: [ServiceLogger, HTTP_REQUEST_LOGGER],
    };
  }
}
