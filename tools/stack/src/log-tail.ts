import readline from 'node:readline';
import type { Readable } from 'node:stream';

/**
 * Keeps the last `capacity` lines of a child's output, so a failure report can show what the
 * process said just before it died without buffering its whole log.
 */
export class LogTail {
  private readonly buffer: string[] = [];

  constructor(private readonly capacity = 200) {}

  push(line: string): void {
    this.buffer.push(line);
    if (this.buffer.length > this.capacity) this.buffer.shift();
  }

  /** Adds a raw chunk that may hold several lines (some libraries report output in chunks). */
  pushChunk(chunk: string): void {
    for (const line of chunk.split(/\r?\n/)) if (line.trim() !== '') this.push(line);
  }

  lines(): string[] {
    return [...this.buffer];
  }

  clear(): void {
    this.buffer.length = 0;
  }
}

/** Calls `onLine` for each complete line of `stream`, so prefixes never land mid-line. */
export function forEachLine(stream: Readable, onLine: (line: string) => void): void {
  readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', onLine);
}
