import { bearerHeaders, generateAccessToken } from './access-token';

describe('generateAccessToken', () => {
  it('makes tokens in the access-token format: ist_ and 43 base64url characters (32 bytes)', () => {
    const token = generateAccessToken();
    expect(token).toMatch(/^ist_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice('ist_'.length), 'base64url')).toHaveLength(32);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => generateAccessToken()));
    expect(tokens.size).toBe(100);
  });
});

describe('bearerHeaders', () => {
  it('sends the token as a Bearer Authorization header, and nothing without one', () => {
    expect(bearerHeaders('ist_abc')).toEqual({ authorization: 'Bearer ist_abc' });
    expect(bearerHeaders(undefined)).toEqual({});
  });
});
