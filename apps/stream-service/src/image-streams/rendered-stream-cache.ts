import { Injectable } from '@nestjs/common';
import type { ImageStream } from '@imagestreams/contracts';

const MAX_ENTRIES = 64;

/**
 * Rendered streams by uid, valid for exactly one resourceVersion: every write moves the version,
 * so a hit can never be stale (and other replicas' writes are seen through the version read from
 * the database on each GET). Saves reading and rendering thousands of history rows per GET of a
 * big stream. Small LRU: the point is hot streams, not a second copy of the database.
 */
@Injectable()
export class RenderedStreamCache {
  private readonly entries = new Map<string, { resourceVersion: string; view: ImageStream; json?: Buffer }>();

  get(uid: string, resourceVersion: string): ImageStream | undefined {
    return this.entry(uid, resourceVersion)?.view;
  }

  /** The view serialized once per version: a big stream is over a megabyte of JSON. */
  json(uid: string, resourceVersion: string): Buffer | undefined {
    const entry = this.entry(uid, resourceVersion);
    if (!entry) return undefined;
    entry.json ??= Buffer.from(JSON.stringify(entry.view));
    return entry.json;
  }

  private entry(uid: string, resourceVersion: string) {
    const entry = this.entries.get(uid);
    if (!entry || entry.resourceVersion !== resourceVersion) return undefined;
    // Re-insert to mark as most recently used.
    this.entries.delete(uid);
    this.entries.set(uid, entry);
    return entry;
  }

  set(uid: string, resourceVersion: string, view: ImageStream): void {
    this.entries.delete(uid);
    this.entries.set(uid, { resourceVersion, view });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }
}
