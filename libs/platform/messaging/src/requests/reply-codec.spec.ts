import { compressionThreshold, CONTENT_ENCODING_HEADER, decodeReply, decodeReplyRaw, encodeReply, RawJson } from './reply-codec';

const COMPRESS_REPLIES_OVER_BYTES = compressionThreshold(1024 * 1024);

describe('reply codec', () => {
  it('sends small replies as plain JSON without headers', () => {
    const encoded = encodeReply({ id: '1', response: { ok: true } }, COMPRESS_REPLIES_OVER_BYTES);
    expect(encoded.headers).toBeUndefined();
    expect(JSON.parse(Buffer.from(encoded.data).toString())).toEqual({ id: '1', response: { ok: true } });
    expect(decodeReply(encoded.data, encoded.headers)).toEqual({ id: '1', response: { ok: true } });
  });

  it('leaves a large reply alone when the server allows big payloads', () => {
    const packet = { id: '3', response: { blob: 'x'.repeat(1024 * 1024) } };
    expect(encodeReply(packet, compressionThreshold(8 * 1024 * 1024)).headers).toBeUndefined();
  });

  it('deflates large replies, marks them, and decodes them back exactly', () => {
    const items = Array.from({ length: 12_000 }, (_, i) => ({ tag: `t${i % 100}`, image: `sha256:${i.toString(16).padStart(64, 'a')}` }));
    const packet = { id: '2', response: { items } };
    const encoded = encodeReply(packet, COMPRESS_REPLIES_OVER_BYTES);
    expect(JSON.stringify(packet).length).toBeGreaterThan(COMPRESS_REPLIES_OVER_BYTES);
    expect(encoded.headers?.get(CONTENT_ENCODING_HEADER)).toBe('deflate-raw');
    expect(encoded.data.length).toBeLessThan(JSON.stringify(packet).length / 2);
    expect(decodeReply(encoded.data, encoded.headers)).toEqual(packet);
  });

  it('splices pre-serialized JSON into the packet and hands it back unparsed', () => {
    const json = JSON.stringify({ kind: 'ImageStream', metadata: { name: 'web', response: 'tricky' } });
    const encoded = encodeReply({ id: 'x', response: new RawJson(json), isDisposed: true }, COMPRESS_REPLIES_OVER_BYTES);
    expect(decodeReply(encoded.data, encoded.headers)).toEqual({ id: 'x', isDisposed: true, response: JSON.parse(json) });
    const raw = decodeReplyRaw(encoded.data, encoded.headers);
    expect(raw.packet).toEqual({ id: 'x', isDisposed: true });
    expect(raw.responseJson?.toString('utf8')).toBe(json);
  });

  it('reads error packets (no response) the raw way too', () => {
    const encoded = encodeReply({ id: 'y', err: { kind: 'Status', code: 404 }, isDisposed: true }, COMPRESS_REPLIES_OVER_BYTES);
    expect(decodeReplyRaw(encoded.data, encoded.headers)).toEqual({ packet: { id: 'y', err: { kind: 'Status', code: 404 }, isDisposed: true } });
  });
});
