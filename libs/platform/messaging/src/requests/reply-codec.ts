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

/**
 * A reply body already serialized by the owner (e.g. a cached rendering of a big stream): spliced
 * into the reply packet as is, and handed to pass-through callers (`OwnerClient.requestJson`) as
 * bytes, so neither side parses, re-serializes or even re-encodes megabytes it only forwards.
 */
export class RawJson {
  readonly bytes: Buffer;

  constructor(json: string | Buffer) {
    this.bytes = typeof json === 'string' ? Buffer.from(json) : json;
  }
}

const RESPONSE_MEMBER = ',"response":';
const RESPONSE_MEMBER_BYTES = Buffer.from(RESPONSE_MEMBER);

export interface EncodedReply {
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** Nest's reply packet as JSON bytes, deflated when large (then marked by a header). */
export function encodeReply(packet: unknown, compressOverBytes: number): EncodedReply {
  const json = serializePacket(packet);
  if (json.length <= compressOverBytes) return { data: json };
  const headers = natsHeaders();
  headers.set(CONTENT_ENCODING_HEADER, DEFLATE_RAW);
  return { data: deflateRawSync(json, { level: 1 }), headers };
}

/** The packet's `response` always goes last, so a raw reader can find it without parsing it. */
function serializePacket(packet: unknown): Buffer {
  if (typeof packet !== 'object' || packet === null || !('response' in packet)) return Buffer.from(JSON.stringify(packet));
  const { response, ...rest } = packet as { response: unknown };
  // Nest's packets always carry an id, so `rest` is never empty and its closing brace can be cut.
  const head = JSON.stringify({ id: '', ...rest });
  const body = response instanceof RawJson ? response.bytes : response === undefined ? undefined : Buffer.from(JSON.stringify(response));
  if (body === undefined) return Buffer.from(head);
  return Buffer.concat([Buffer.from(head.slice(0, -1)), RESPONSE_MEMBER_BYTES, body, CLOSING_BRACE]);
}

const CLOSING_BRACE = Buffer.from('}');

function replyBytes(data: Uint8Array, headers: MsgHdrs | undefined): Buffer {
  const bytes = headers?.get(CONTENT_ENCODING_HEADER) === DEFLATE_RAW ? inflateRawSync(data) : data;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function decodeReply<T>(data: Uint8Array, headers: MsgHdrs | undefined): T {
  return JSON.parse(replyBytes(data, headers).toString('utf8')) as T;
}

/**
 * The reply packet's members except `response`, plus `response` as unparsed JSON text. Relies on
 * `serializePacket` putting it last; falls back to parsing for replies that have none.
 */
export function decodeReplyRaw(data: Uint8Array, headers: MsgHdrs | undefined): { packet: Record<string, unknown>; responseJson?: Buffer } {
  const bytes = replyBytes(data, headers);
  const start = bytes.indexOf(RESPONSE_MEMBER_BYTES);
  if (start < 0) {
    const { response, ...rest } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return response === undefined ? { packet: rest } : { packet: rest, responseJson: Buffer.from(JSON.stringify(response)) };
  }
  return {
    packet: JSON.parse(`${bytes.subarray(0, start).toString('utf8')}}`) as Record<string, unknown>,
    responseJson: bytes.subarray(start + RESPONSE_MEMBER_BYTES.length, bytes.length - 1),
  };
}
