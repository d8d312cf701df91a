import { setTimeout as sleep } from 'node:timers/promises';

/** One request the poster sends: where to, and the JSON body. */
export interface PlannedPost {
  url: string;
  body: unknown;
}

/** A failed attempt that was retried: a 5xx, a network error or a timeout. */
export interface FailedAttempt {
  index: number;
  at: number;
  reason: string;
}

export interface PostOutcome {
  index: number;
  /** When the post was first due and when the 201 came back. */
  firstSentAt: number;
  acknowledgedAt: number;
  attempts: number;
}

export interface SteadyPosterOptions {
  /** Posts per second (open loop: a slow answer does not delay the next post). */
  ratePerSecond: number;
  /** Per-attempt deadline: a request the gateway never answers is given up and retried. */
  attemptTimeoutMs?: number;
  /** Pause before a retry. */
  retryDelayMs?: number;
  /** A post not acknowledged by then fails the run. */
  giveUpAfterMs?: number;
  /** Called right before post `index` is first sent (e.g. to kill a NATS node mid-stream). */
  beforePost?: (index: number) => void;
  /** Sent with every post, e.g. the caller's `authorization`. */
  headers?: Record<string, string>;
}

/**
 * Posts at a steady rate, as a busy registry would, and retries every post until the gateway
 * acknowledges it with 201 — what a real client does when the service answers 5xx or not at all.
 * Any other answer (a 4xx) is a bug in the test or the service and fails the run at once.
 */
export class SteadyPoster {
  readonly failures: FailedAttempt[] = [];
  readonly outcomes: PostOutcome[] = [];

  constructor(private readonly options: SteadyPosterOptions) {}

  async run(posts: readonly PlannedPost[]): Promise<PostOutcome[]> {
    const started = Date.now();
    const interval = 1_000 / this.options.ratePerSecond;
    const inFlight: Promise<void>[] = [];
    for (const [index, post] of posts.entries()) {
      const due = started + index * interval;
      if (due > Date.now()) await sleep(due - Date.now());
      this.options.beforePost?.(index);
      inFlight.push(this.postUntilAcknowledged(index, post));
    }
    await Promise.all(inFlight);
    return [...this.outcomes].sort((a, b) => a.index - b.index);
  }

  private async postUntilAcknowledged(index: number, post: PlannedPost): Promise<void> {
    const firstSentAt = Date.now();
    const giveUpAt = firstSentAt + (this.options.giveUpAfterMs ?? 90_000);
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      try {
        const response = await fetch(post.url, {
          method: 'POST',
          headers: { ...this.options.headers, 'content-type': 'application/json' },
          body: JSON.stringify(post.body),
          signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 15_000),
        });
        const text = await response.text();
        if (response.status === 201) {
          this.outcomes.push({ index, firstSentAt, acknowledgedAt: Date.now(), attempts: attempt });
          return;
        }
        if (response.status < 500) throw new Error(`post ${index} to ${post.url} answered ${response.status}: ${text}`);
        reason = `${response.status} ${statusReason(text)}`;
      } catch (error) {
        if (error instanceof Error && error.message.startsWith(`post ${index} `)) throw error;
        reason = describeFetchError(error);
      }
      this.failures.push({ index, at: Date.now(), reason });
      if (Date.now() > giveUpAt) throw new Error(`post ${index} to ${post.url} still failing after ${attempt} attempts: ${reason}`);
      await sleep(this.options.retryDelayMs ?? 250);
    }
  }
}

function statusReason(text: string): string {
  try {
    const status = JSON.parse(text) as { reason?: string; message?: string };
    return `${status.reason ?? ''} ${status.message ?? ''}`.trim();
  } catch {
    return text.slice(0, 120);
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'timeout';
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
