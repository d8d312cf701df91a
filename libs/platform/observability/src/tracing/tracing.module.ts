import { type DynamicModule, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { flushTracingAtShutdown, startTracing, type TracingOptions } from './tracing';

@Injectable()
class TracingLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');

  /** Last hook of all: the spans of the shutdown itself are in the batch too. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracingAtShutdown((message) => this.logger.warn(message));
  }
}

/** Starts OpenTelemetry for the process (see startTracing) and flushes exported spans at shutdown. */
@Module({})
export class TracingModule {
  static forService(options: TracingOptions): DynamicModule {
    startTracing(options);
    return { module: TracingModule, providers: [TracingLifecycle] };
  }
}
