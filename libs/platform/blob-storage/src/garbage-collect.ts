import type { BlobStore } from './blob-store';

export interface GarbageCollectionResult {
  scanned: number;
  deleted: string[];
  freedBytes: number;
}

/**
 * Deletes every blob that is not referenced and was last modified at or before `olderThan`. The
 * grace period protects blobs pushed just before the manifest that references them (a commit or
 * re-push refreshes a blob's mtime). `isReferenced` is asked only about blobs old enough to delete;
 * if it throws, collection stops there (better to keep garbage than to delete a referenced blob).
 */
export async function garbageCollect(
  store: BlobStore,
  isReferenced: (digest: string) => Promise<boolean> | boolean,
  options: { olderThan: Date },
): Promise<GarbageCollectionResult> {
  const cutoff = options.olderThan.getTime();
  const result: GarbageCollectionResult = { scanned: 0, deleted: [], freedBytes: 0 };
  for await (const blob of store.list()) {
    result.scanned++;
    if (blob.modifiedAt.getTime() > cutoff) continue;
    if (await isReferenced(blob.digest)) continue;
    if (await store.delete(blob.digest)) {
      result.deleted.push(blob.digest);
      result.freedBytes += blob.size;
    }
  }
  return result;
}

/** Deletes uploads (and leftover putBytes temp files) last modified at or before `olderThan`; returns their ids. */
export async function cleanAbandonedUploads(store: BlobStore, olderThan: Date): Promise<string[]> {
  const cutoff = olderThan.getTime();
  const deleted: string[] = [];
  for await (const upload of store.listUploads()) {
    if (upload.modifiedAt.getTime() > cutoff) continue;
    if (await store.deleteUpload(upload.id)) deleted.push(upload.id);
  }
  return deleted;
}
