import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

/** Bytes of serialized streams kept at most (a stream with 5,000 history entries is about 1.4 MB). */
const MAX_TOTAL_BYTES = 16 * 1024 * 1024;
/** Streams smaller than this are cheap to fetch whole; keeping them would only cost memory. */
const MIN_BYTES = 64 * 1024;
/** Where `metadata.resourceVersion` must appear: the view writes metadata first. */
const HEAD_BYTES = 4096;
const RESOURCE_VERSION = /"resourceVersion":"(\d+)"/;

interface Copy {
  resourceVersion: string;
  json: Buffer;
}

/**
 * The gateway's copies of big image streams as stream-service last serialized them. A GET asks
 * stream-service for the stream "unless it is still at the copy's resourceVersion": a big stream
 * that did not change then costs a few bytes over NATS instead of megabytes through NATS and this
 * process (every write moves the resourceVersion, so a copy is never served stale). Least recently
 * used copies go first once MAX_TOTAL_BYTES are kept.
 */
@Injectable()
export class StreamCopies {
  private readonly copies = new LRUCache<string, Copy>({ maxSize: MAX_TOTAL_BYTES, sizeCalculation: (copy) => copy.json.length });

  /** The resourceVersion of the copy kept for the stream, if any. */
  resourceVersionOf(namespace: string, name: string): string | undefined {
    return this.copies.peek(key(namespace, name))?.resourceVersion;
  }

  /** The copy at `resourceVersion` (marked as just used), if kept. */
  take(namespace: string, name: string, resourceVersion: string): Buffer | undefined {
    const id = key(namespace, name);
    if (this.copies.peek(id)?.resourceVersion !== resourceVersion) return undefined;
    return this.copies.get(id)?.json;
  }

  /** Keeps `json` if it is big enough to be worth it and says its resourceVersion where expected. */
  keep(namespace: string, name: string, json: Buffer): void {
    const id = key(namespace, name);
    this.copies.delete(id);
    if (json.length < MIN_BYTES || json.length > MAX_TOTAL_BYTES / 4) return;
    const resourceVersion = RESOURCE_VERSION.exec(json.subarray(0, HEAD_BYTES).toString('latin1'))?.[1];
    if (resourceVersion === undefined) return;
    this.copies.set(id, { resourceVersion, json });
  }

  /** The stream is gone (or unreadable): its copy goes too. */
  drop(namespace: string, name: string): void {
    this.copies.delete(key(namespace, name));
  }

  get keptBytes(): number {
    return this.copies.calculatedSize;
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
