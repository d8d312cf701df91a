import { Inject, Injectable } from '@nestjs/common';
import { cleanAbandonedUploads, type BlobStore } from '@imagestreams/platform-blob-storage';
import { PeriodicTask } from '@imagestreams/platform-persistence';
import { BLOB_STORE } from './blob-store.provider';

export const UPLOAD_JANITOR_SETTINGS = Symbol('UPLOAD_JANITOR_SETTINGS');

export interface UploadJanitorSettings {
  maxAgeMs: number;
  intervalMs: number;
}

/**
 * Removes upload sessions nobody touched for maxAgeMs: a session is its upload file (its id is
 * signed, upload-sessions.ts), and every chunk written renews the file's modification time. Safe
 * with several replicas: each deletion is idempotent.
 */
@Injectable()
export class UploadJanitor extends PeriodicTask {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(UPLOAD_JANITOR_SETTINGS) private readonly settings: UploadJanitorSettings,
  ) {
    super('abandoned-upload sweep', settings.intervalMs);
  }

  protected runRound(): Promise<string[]> {
    return this.sweep();
  }

  async sweep(now = new Date()): Promise<string[]> {
    const removed = await cleanAbandonedUploads(this.store, new Date(now.getTime() - this.settings.maxAgeMs));
    if (removed.length > 0) this.logger.log(`removed ${removed.length} abandoned upload(s)`);
    return removed;
  }
}
