import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';

export interface LoggingOptions {
  serviceName: string;
  level: string;
}

/** JSON logs on stdout (pino); one line per HTTP request with its latency, health probes excluded. */
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
            autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
          },
        }),
      ],
    };
  }
}
