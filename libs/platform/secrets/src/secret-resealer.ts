import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { resealTable, type ResealOutcome, type SealedTable } from './reseal-table';
import { SecretKeyRing } from './secret-key-ring';

export const SECRET_KEY_RING = Symbol('SECRET_KEY_RING');
export const SEALED_TABLES = Symbol('SEALED_TABLES');

/**
 * Besides the pass at start, every replica passes again this often: during a rolling restart the
 * replicas still running the old configuration keep sealing under the old key until they stop, and
 * those rows must move too before the old key can be dropped.
 */
export const RESEAL_INTERVAL_MS = 10 * 60_000;

/**
 * Brings the service's sealed rows under the current key: once at start (before the service takes
 * work, so a restart after a rotation leaves nothing behind that it could have moved) and every
 * RESEAL_INTERVAL_MS. Logs counts and key ids only, never a value.
 */
@Injectable()
export class SecretResealer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SecretResealer');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SECRET_KEY_RING) private readonly ring: SecretKeyRing,
    @Inject(SEALED_TABLES) private readonly tables: SealedTable[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.pass();
    this.timer = setInterval(() => void this.pass(), RESEAL_INTERVAL_MS);
    this.timer.unref();
  }

  /** The pass in progress finishes before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every table; never throws (a failed pass is logged and the next one retries). */
  async pass(): Promise<ResealOutcome[]> {
    if (this.running) return [];
    const work = this.passOnce();
    this.running = work;
    try {
      return await work;
    } finally {
      this.running = undefined;
    }
  }

  private async passOnce(): Promise<ResealOutcome[]> {
    const outcomes: ResealOutcome[] = [];
    for (const table of this.tables) {
      try {
        const outcome = await resealTable(this.dataSource, this.ring, table);
        outcomes.push(outcome);
        if (outcome.resealed) this.logger.log(`${table.describes}: ${outcome.resealed} rows re-sealed under key ${this.ring.currentKeyId}`);
        if (outcome.unreadable) {
          this.logger.error(
            `${table.describes}: ${outcome.unreadable} values open with none of the configured keys (sealed under ${outcome.unreadableKeyIds.join(', ')}): ` +
              'they cannot be used until that key is in SECRETS_ENCRYPTION_KEY or SECRETS_ENCRYPTION_PREVIOUS_KEYS',
          );
        }
      } catch (error) {
        this.logger.warn(`re-sealing ${table.describes} failed: ${(error as Error).message}`);
      }
    }
    return outcomes;
  }
}
