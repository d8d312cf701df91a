import { type INestApplication, type LoggerService } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: stop taking work (transports first, so no new request or event starts), let
 * in-flight work finish, then run Nest's shutdown hooks (outbox relay stops, NATS drains, the
 * database closes). If that takes longer than the timeout, exit non-zero rather than hang.
 */
export function installGracefulShutdown(app: INestApplication, timeoutMs: number, logger: LoggerService): void {
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
      await Promise.all(app.getMicroservices().map((microservice) => microservice.close()));
      await app.close();
      process.exit(0);
    } catch (error) {
      logger.error(`shutdown failed: ${(error as Error).message}`, (error as Error).stack, 'Shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
