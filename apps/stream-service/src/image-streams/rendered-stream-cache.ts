import { Injectable } from '@nestjs/common';
import type { ImageStream } from '@imagestreams/contracts';
import { LRUCache } from 'lru-cache';

const MAX_ENTRIES = 64;

/**
 * Rendered streams by uid, valid for exactly one resourceVersion: every write moves the version,
 * so a hit can never be stale (and other replicas' writes are seen through the version read from
 * the database on each GET). Saves reading and rendering thousands of history rows per GET of a
 * big stream. Small LRU: the point is hot streams, not a second copy of the database.
 */
@Injectable()
export class RenderedStreamCache {
  private readonly entries = new LRUCache<string, { resourceVersion: string; view: ImageStream; json?: Buffer }>({ max: MAX_ENTRIES });

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
    if (this.entries.peek(uid)?.resourceVersion !== resourceVersion) return undefined;
    // get (not peek): marks it as most recently used.
    return this.entries.get(uid);
  }

  set(uid: string, resourceVersion: string, view: ImageStream): void {
    this.entries.set(uid, { resourceVersion, view });
  }
}
