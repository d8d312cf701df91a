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
 * text, so neither side parses and re-serializes megabytes it only forwards.
 */
export class RawJson {
  constructor(readonly json: string) {}
}

const RESPONSE_MEMBER = ',"response":';

export interface EncodedReply {
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** Nest's reply packet as JSON bytes, deflated when large (then marked by a header). */
export function encodeReply(packet: unknown, compressOverBytes: number): EncodedReply {
  const json = Buffer.from(serializePacket(packet));
  if (json.length <= compressOverBytes) return { data: json };
  const headers = natsHeaders();
  headers.set(CONTENT_ENCODING_HEADER, DEFLATE_RAW);
  return { data: deflateRawSync(json, { level: 1 }), headers };
}

/** The packet's `response` always goes last, so a raw reader can find it without parsing it. */
function serializePacket(packet: unknown): string {
  if (typeof packet !== 'object' || packet === null || !('response' in packet)) return JSON.stringify(packet);
  const { response, ...rest } = packet as { response: unknown };
  const head = JSON.stringify(rest);
  const body = response instanceof RawJson ? response.json : JSON.stringify(response);
  if (body === undefined) return head;
  return head === '{}' ? `{${RESPONSE_MEMBER.slice(1)}${body}}` : `${head.slice(0, -1)}${RESPONSE_MEMBER}${body}}`;
}

function replyText(data: Uint8Array, headers: MsgHdrs | undefined): string {
  const bytes = headers?.get(CONTENT_ENCODING_HEADER) === DEFLATE_RAW ? inflateRawSync(data) : data;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

export function decodeReply<T>(data: Uint8Array, headers: MsgHdrs | undefined): T {
  return JSON.parse(replyText(data, headers)) as T;
}

/**
 * The reply packet's members except `response`, plus `response` as unparsed JSON text. Relies on
 * `serializePacket` putting it last; falls back to parsing for replies that have none.
 */
export function decodeReplyRaw(data: Uint8Array, headers: MsgHdrs | undefined): { packet: Record<string, unknown>; responseJson?: string } {
  const text = replyText(data, headers);
  const start = text.indexOf(RESPONSE_MEMBER);
  if (start < 0) {
    const packet = JSON.parse(text) as Record<string, unknown>;
    const { response, ...rest } = packet;
    return response === undefined ? { packet: rest } : { packet: rest, responseJson: JSON.stringify(response) };
  }
  return { packet: JSON.parse(`${text.slice(0, start)}}`) as Record<string, unknown>, responseJson: text.slice(start + RESPONSE_MEMBER.length, -1) };
}
