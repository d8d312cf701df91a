import { Inject, Injectable } from '@nestjs/common';
import { cleanAbandonedUploads, type BlobStore } from '@imagestreams/platform-blob-storage';
import { PeriodicTask } from '@imagestreams/platform-persistence';
import { BLOB_STORE } from './blob-store.provider';
import { RegistryRecordsRepository } from './registry-records.repository';

export const UPLOAD_JANITOR_SETTINGS = Symbol('UPLOAD_JANITOR_SETTINGS');

export interface UploadJanitorSettings {
  maxAgeMs: number;
  intervalMs: number;
}

/**
 * Removes upload sessions nobody touched for maxAgeMs: their rows, and any upload file that old
 * (including files of sessions whose row never got written). Safe with several replicas: each
 * deletion is idempotent.
 */
@Injectable()
export class UploadJanitor extends PeriodicTask {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly records: RegistryRecordsRepository,
    @Inject(UPLOAD_JANITOR_SETTINGS) private readonly settings: UploadJanitorSettings,
  ) {
    super('abandoned-upload sweep', settings.intervalMs);
  }

  protected runRound(): Promise<string[]> {
    return this.sweep();
  }

  async sweep(now = new Date()): Promise<string[]> {
    const cutoff = new Date(now.getTime() - this.settings.maxAgeMs);
    const expired = await this.records.expireUploads(cutoff);
    for (const id of expired) await this.store.deleteUpload(id);
    const orphans = await cleanAbandonedUploads(this.store, cutoff);
    const removed = [...new Set([...expired, ...orphans])];
    if (removed.length > 0) this.logger.log(`removed ${removed.length} abandoned upload(s)`);
    return removed;
  }
}
