import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { getSystemErrorName } from 'node:util';

type NativeSend = (socketFd: number, fileFd: number, offset: number, length: number, stallMs: number, done: (errno: number) => void) => void;

/** Where `npm ci` builds the addon (tools/build-native.js), relative to the repository root. */
const ADDON = 'libs/platform/blob-storage/native/build/Release/blob_send.node';
/** A client that reads nothing for this long loses its blob, as a socket timeout would end it. */
const STALL_MS = 60_000;
/** Beyond this many sends at once, the event loop sends the rest: a thread each is not free. */
const MAX_THREAD_SENDS = 64;

/**
 * The addon, found from the TypeScript sources and from dist/compiled alike (it sits beside the
 * sources, not in the compiled tree); undefined when it was not built (no compiler where `npm ci`
 * ran, as in the container images).
 */
function loadNativeSend(): NativeSend | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    try {
      return (require(path.join(dir, ADDON)) as { send: NativeSend }).send;
    } catch {
      if (path.dirname(dir) === dir) return undefined;
    }
  }
}

const nativeSend = loadNativeSend();
let threadSendsAllowed = true;
let threadSends = 0;

/** Whether big blobs leave from threads of their own in this process. */
export function sendsFromThreads(): boolean {
  return nativeSend !== undefined && threadSendsAllowed;
}

/** `false` keeps every send on the event loop (the gateway's BLOB_SEND_THREADS). */
export function allowThreadSends(allowed: boolean): void {
  threadSendsAllowed = allowed;
}

/** The plain TCP socket behind an HTTP response, when a thread may write to it directly. */
export function threadSendableSocket(destination: unknown): { response: ServerResponse; socket: Socket; fd: number } | undefined {
  if (!sendsFromThreads() || threadSends >= MAX_THREAD_SENDS) return undefined;
  const response = destination as Partial<ServerResponse>;
  const socket = response.socket as (Socket & { encrypted?: boolean; _handle?: { fd?: number } }) | null | undefined;
  // TLS must go through Node (the bytes are encrypted there); a response that has begun its body is not ours to continue.
  if (typeof response.flushHeaders !== 'function' || !socket || socket.encrypted || response.writableLength !== 0) return undefined;
  const fd = socket._handle?.fd;
  return typeof fd === 'number' && fd >= 0 ? { response: response as ServerResponse, socket, fd } : undefined;
}

/**
 * Sends bytes `first`..`last` of `fileFd` as the body of `response` from a thread of its own, then
 * ends the response. Node writes every socket from its one event loop; a big pull goes faster when
 * each connection's bytes leave from a thread that waits in the kernel on that socket alone
 * (measured on the 2-core machine: skopeo pulls of 3 × 64 MiB 0.87-0.93 of docker-registry's time,
 * against 1.00 from the event loop). The headers are flushed first, so the thread writes behind
 * them; a failure destroys the response, so a client never sees a short body as complete.
 */
export async function sendFromThread(target: { response: ServerResponse; socket: Socket; fd: number }, fileFd: number, first: number, last: number): Promise<void> {
  const { response, socket, fd } = target;
  const send = nativeSend;
  if (!send) throw new Error('the native blob sender is not loaded');
  threadSends++;
  try {
    response.flushHeaders();
    // Writes complete in order: once this empty one has, the headers are in the kernel.
    await new Promise<void>((resolve, reject) => socket.write('', (error) => (error ? reject(error) : resolve())));
    const errno = await new Promise<number>((resolve) => send(fd, fileFd, first, last - first + 1, STALL_MS, resolve));
    // libuv's error numbers are the negated errno values.
    if (errno !== 0) throw new Error(`blob send stopped: ${getSystemErrorName(-errno)}`);
    response.end();
  } catch (error) {
    response.destroy();
    throw error;
  } finally {
    threadSends--;
  }
}
