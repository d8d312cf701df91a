import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export type Check = () => boolean | Promise<boolean>;

export interface WaitForOptions {
  /** Overall deadline; the check runs at least once even when this is 0. */
  timeoutMs: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** What we are waiting for, for the timeout message ("stream-service to be ready"). */
  description: string;
  /** Lets the caller give up early, e.g. when the process being waited on has exited. */
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly lastError?: unknown,
  ) {
    super(
      `Timed out after ${timeoutMs} ms waiting for ${description}` +
        (lastError === undefined ? '' : ` (last error: ${errorMessage(lastError)})`),
    );
    this.name = 'WaitTimeoutError';
  }
}

const TIMED_OUT = Symbol('timed out');

/**
 * Polls `check` until it returns true, with a hard deadline instead of fixed sleeps, so fast
 * machines are not slowed down and slow ones fail with a message saying what never happened.
 * A check that throws counts as "not yet" (connection refused is the normal state while a server
 * boots); its last error is kept for the timeout message.
 */
export async function waitFor(check: Check, options: WaitForOptions): Promise<void> {
  const { timeoutMs, intervalMs = 100, description, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;

  for (;;) {
    signal?.throwIfAborted();
    try {
      // A check that hangs must not carry us past the deadline.
      const outcome = await raceDeadline(Promise.resolve().then(check), deadline - Date.now());
      if (outcome === true) return;
    } catch (error) {
      lastError = error;
    }
    signal?.throwIfAborted();

    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new WaitTimeoutError(description, timeoutMs, lastError);
    try {
      await sleep(Math.min(intervalMs, remaining), undefined, { signal });
    } catch (error) {
      // Surface the caller's abort reason rather than a generic AbortError.
      signal?.throwIfAborted();
      throw error;
    }
  }
}

export interface WaitForHttpOkOptions {
  intervalMs?: number;
  signal?: AbortSignal;
}

/** Waits until `GET url` answers 200, e.g. a service's /readyz. */
export function waitForHttpOk(url: string, timeoutMs: number, options: WaitForHttpOkOptions = {}): Promise<void> {
  return waitFor(async () => (await httpStatus(url, Math.min(2_000, Math.max(timeoutMs, 1)))) === 200, {
    timeoutMs,
    intervalMs: options.intervalMs ?? 200,
    description: `GET ${url} to return 200`,
    signal: options.signal,
  });
}

/**
 * One GET with its own timeout. Uses node:http without keep-alive (rather than fetch) so no pooled
 * socket outlives the poll and keeps a short-lived script or test alive.
 */
function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('timeout', () => request.destroy(new Error(`no response within ${timeoutMs} ms`)));
    request.once('error', reject);
  });
}

async function raceDeadline<T>(work: Promise<T>, remainingMs: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(remainingMs, 0));
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
