import { type INestApplication, type LoggerService } from '@nestjs/common';

/** A transport's server side: closing stops taking work and waits for what is in flight. */
export interface ClosableTransport {
  close(): Promise<void>;
}

/**
 * Stops taking work (the transports first, so no new request or event starts), lets in-flight
 * work finish, then closes the application, which runs Nest's shutdown hooks once (outbox relay
 * stops, NATS drains, the database closes).
 *
 * The transports are closed directly rather than through `INestMicroservice.close()`: in a hybrid
 * application each microservice's close() runs the whole container's destroy and shutdown hooks
 * again, so with two transports the hooks ran three times, two of them concurrently (the database
 * pool was ended twice). `app.close()` marks its microservices terminated before closing them,
 * which closes each transport again (a no-op by then) without running hooks.
 */
export async function stopGracefully(app: INestApplication, transports: readonly ClosableTransport[]): Promise<void> {
  await Promise.all(transports.map((transport) => transport.close()));
  await app.close();
}

/**
 * SIGTERM/SIGINT: stopGracefully. If that takes longer than the timeout, exit non-zero rather
 * than hang.
 */
export function installGracefulShutdown(app: INestApplication, transports: readonly ClosableTransport[], timeoutMs: number, logger: LoggerService): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`, 'Shutdown');
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${timeoutMs} ms, exiting`, undefined, 'Shutdown');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    try {
      await stopGracefully(app, transports);
      process.exit(0);
    } catch (error) {
      // Some libraries reject with a string or with nothing at all: say what came.
      const message = error instanceof Error ? error.message : `rejected with ${JSON.stringify(error) ?? String(error)}`;
      logger.error(`shutdown failed: ${message}`, error instanceof Error ? error.stack : undefined, 'Shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
