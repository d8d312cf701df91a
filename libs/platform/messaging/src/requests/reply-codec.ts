import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

export const CONTENT_ENCODING_HEADER = 'Content-Encoding';
const DEFLATE_RAW = 'deflate-raw';

/**
 * Replies that would not fit comfortably in the server's `max_payload` (1 MiB by default; a big
 * image stream's JSON gets there) are deflated at level 1: cheap, and only paid when needed.
 */
export function compressionThreshold(maxPayloadBytes: number | undefined): number {
  return Math.floor((maxPayloadBytes ?? 1024 * 1024) * 0.75);
}

export interface EncodedReply {
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** Nest's reply packet as JSON bytes, deflated when large (then marked by a header). */
export function encodeReply(packet: unknown, compressOverBytes: number): EncodedReply {
  const json = Buffer.from(JSON.stringify(packet));
  if (json.length <= compressOverBytes) return { data: json };
  const headers = natsHeaders();
  headers.set(CONTENT_ENCODING_HEADER, DEFLATE_RAW);
  return { data: deflateRawSync(json, { level: 1 }), headers };
}

export function decodeReply<T>(data: Uint8Array, headers: MsgHdrs | undefined): T {
  const bytes = headers?.get(CONTENT_ENCODING_HEADER) === DEFLATE_RAW ? inflateRawSync(data) : data;
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
}
