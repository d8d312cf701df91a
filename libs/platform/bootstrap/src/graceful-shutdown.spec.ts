import { Injectable, Module, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { stopGracefully } from './graceful-shutdown';

/** What happened, in order, across the transports and the hooks. */
const timeline: string[] = [];

@Injectable()
class RecordsHooks implements OnModuleDestroy, OnApplicationShutdown {
  onModuleDestroy(): void {
    timeline.push('destroy hook');
  }
  async onApplicationShutdown(): Promise<void> {
    timeline.push('shutdown hook starts');
    // Ending a pool takes a moment: a second run of the hook meanwhile is the bug.
    await new Promise((resolve) => setImmediate(resolve));
    timeline.push('shutdown hook ends');
  }
}

@Module({ providers: [RecordsHooks] })
class HooksModule {}

/** A transport whose close waits for one in-flight piece of work. */
class SlowTransport extends Server implements CustomTransportStrategy {
  closes = 0;
  constructor(private readonly name: string) {
    super();
  }
  listen(callback: () => void): void {
    callback();
  }
  async close(): Promise<void> {
    this.closes++;
    if (this.closes > 1) return;
    timeline.push(`${this.name} stops taking work`);
    await new Promise((resolve) => setImmediate(resolve));
    timeline.push(`${this.name} in-flight work done`);
  }
  on(): void {
    // No events to subscribe to: the transport only listens and closes.
  }
  unwrap<T>(): T {
    return undefined as T;
  }
}

describe('stopGracefully', () => {
  beforeEach(() => (timeline.length = 0));

  it('closes every transport before any hook runs, then runs each hook exactly once', async () => {
    const app = await NestFactory.create(HooksModule, { logger: false });
    const requests = new SlowTransport('requests');
    const events = new SlowTransport('events');
    app.connectMicroservice({ strategy: requests });
    app.connectMicroservice({ strategy: events });
    await app.startAllMicroservices();
    await app.init();

    await stopGracefully(app, [requests, events]);

    expect(timeline.filter((entry) => entry === 'destroy hook')).toHaveLength(1);
    expect(timeline.filter((entry) => entry === 'shutdown hook starts')).toHaveLength(1);
    const firstHook = timeline.indexOf('destroy hook');
    for (const transport of ['requests', 'events']) {
      expect(timeline.indexOf(`${transport} in-flight work done`)).toBeGreaterThanOrEqual(0);
      expect(timeline.indexOf(`${transport} in-flight work done`)).toBeLessThan(firstHook);
    }
    expect(timeline.at(-1)).toBe('shutdown hook ends');
  });
});
