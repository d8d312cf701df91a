import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogSink } from './service-process';

export interface ServiceLogFile {
  readonly path: string;
  /** Every line written as `<ISO time> [<label>] <line>`, in the order the services printed them. */
  readonly sink: LogSink;
  close(): Promise<void>;
}

/**
 * Writes every service's output to one file (a new one each time): a stack started quietly (tests) prints nothing, and
 * this is what is left to read after a failure, e.g. the warnings a service logged just before it.
 */
export function openServiceLogFile(file: string): ServiceLogFile {
  mkdirSync(path.dirname(file), { recursive: true });
  const stream = createWriteStream(file);
  return {
    path: file,
    sink: (line, _stream, label) => void stream.write(`${new Date().toISOString()} [${label}] ${line}\n`),
    close: () => new Promise((resolve) => stream.end(resolve)),
  };
}
