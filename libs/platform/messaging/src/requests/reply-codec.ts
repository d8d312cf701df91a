import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

export const CONTENT_ENCODING_HEADER = 'Content-Encoding';
const DEFLATE_RAW = 'deflate-raw';

/**
 * Replies bigger than this are deflated. NATS refuses messages over the server's `max_payload`
 * (1 MiB by default) and a big image stream's JSON gets there; level 1 keeps the CPU cost small.
 */
export const COMPRESS_REPLIES_OVER_BYTES = 256 * 1024;

export interface EncodedReply {
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** Nest's reply packet as JSON bytes, deflated when large (then marked by a header). */
export function encodeReply(packet: unknown): EncodedReply {
  const json = Buffer.from(JSON.stringify(packet));
  if (json.length <= COMPRESS_REPLIES_OVER_BYTES) return { data: json };
  const headers = natsHeaders();
  headers.set(CONTENT_ENCODING_HEADER, DEFLATE_RAW);
  return { data: deflateRawSync(json, { level: 1 }), headers };
}

export function decodeReply<T>(data: Uint8Array, headers: MsgHdrs | undefined): T {
  const bytes = headers?.get(CONTENT_ENCODING_HEADER) === DEFLATE_RAW ? inflateRawSync(data) : data;
  return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as T;
}
