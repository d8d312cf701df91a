import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { redactSecretPath } from './secret-paths';
import { traceLogFields } from './tracing/tracing';

export interface LoggingOptions {
  serviceName: string;
  level: string;
}

/** The path itself can hold a credential; route params repeat it, so they are left out. */
export const requestLogSerializers = {
  req: (req: { url?: string; params?: unknown }) => ({ ...req, url: typeof req.url === 'string' ? redactSecretPath(req.url) : req.url, params: undefined }),
};

/**
 * JSON logs on stdout (pino); one line per HTTP request with its latency, health probes and scrapes
 * excluded. Lines written while a span is active carry its `trace_id` and `span_id`.
 */
@Module({})
export class LoggingModule {
  static forService(options: LoggingOptions): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: options.level,
            base: { service: options.serviceName },
            autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
            mixin: traceLogFields,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: requestLogSerializers,
          },
        }),
      ],
    };
  }
}
