import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from 'nats';

/**
 * True for JetStream API failures that mean "busy or electing a leader, ask again", not "the
 * request is wrong": a timeout (creating a replicated stream on a loaded cluster can take longer
 * than the API timeout; with no leader nobody answers), 503 "JetStream system temporarily
 * unavailable", and "no suitable peers" while a (re)started cluster learns its peers. No responders
 * is not among them: every JetStream server answers the API, so it means JetStream is not enabled.
 */
export function isTransientJetStreamError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code === ErrorCode.Timeout) return true;
  return typeof message === 'string' && /temporarily unavailable|no suitable peers|timeout/i.test(message);
}

export interface JetStreamRetryOptions {
  /** Give up (rethrowing the last error) once this long has passed (default 30 s). */
  timeoutMs?: number;
  /** First pause; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Told about every retry, e.g. a logger's warn. */
  onRetry?: (message: string) => void;
}

/**
 * Runs an idempotent JetStream administration step (provisioning a stream or durable at boot),
 * retrying transient failures with backoff. Without this, a service that starts while the cluster
 * is loaded or electing a leader (a NATS node just died or restarted) exits instead of waiting.
 * Anything else (a wrong configuration) is rethrown at once.
 */
export async function withJetStreamRetry<T>(what: string, work: () => Promise<T>, options: JetStreamRetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  let delay = options.initialDelayMs ?? 250;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientJetStreamError(error) || Date.now() + delay > deadline) throw error;
      options.onRetry?.(`${what} failed (${(error as Error).message}); retrying in ${delay} ms`);
      await sleep(delay);
      delay = Math.min(delay * 2, options.maxDelayMs ?? 4_000);
    }
  }
}
