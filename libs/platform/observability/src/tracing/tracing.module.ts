import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { flushTracing, startTracing, type TracingOptions } from './tracing';

@Injectable()
class TracingLifecycle implements OnApplicationShutdown {
  /** Last hook of all: the spans of the shutdown itself are in the batch too. */
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
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
