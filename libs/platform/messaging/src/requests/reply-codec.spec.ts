import { COMPRESS_REPLIES_OVER_BYTES, CONTENT_ENCODING_HEADER, decodeReply, encodeReply } from './reply-codec';

describe('reply codec', () => {
  it('sends small replies as plain JSON without headers', () => {
    const encoded = encodeReply({ id: '1', response: { ok: true } });
    expect(encoded.headers).toBeUndefined();
    expect(JSON.parse(Buffer.from(encoded.data).toString())).toEqual({ id: '1', response: { ok: true } });
    expect(decodeReply(encoded.data, encoded.headers)).toEqual({ id: '1', response: { ok: true } });
  });

  it('deflates large replies, marks them, and decodes them back exactly', () => {
    const items = Array.from({ length: 5_000 }, (_, i) => ({ tag: `t${i % 100}`, image: `sha256:${i.toString(16).padStart(64, 'a')}` }));
    const packet = { id: '2', response: { items } };
    const encoded = encodeReply(packet);
    expect(JSON.stringify(packet).length).toBeGreaterThan(COMPRESS_REPLIES_OVER_BYTES);
    expect(encoded.headers?.get(CONTENT_ENCODING_HEADER)).toBe('deflate-raw');
    expect(encoded.data.length).toBeLessThan(JSON.stringify(packet).length / 2);
    expect(decodeReply(encoded.data, encoded.headers)).toEqual(packet);
  });
});
