import { createHash } from 'node:crypto';
import { ACCESS_TOKEN_PREFIX, bearerToken, hashAccessToken, looksLikeAccessToken, newAccessToken, parseBasicCredentials } from './access-tokens';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

describe('newAccessToken', () => {
  it('is ist_ and 43 base64url characters carrying 256 random bits', () => {
    const { token } = newAccessToken();
    expect(token).toMatch(/^ist_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(ACCESS_TOKEN_PREFIX.length), 'base64url')).toHaveLength(32);
  });

  it('comes with the SHA-256 (hex) of the whole token string', () => {
    const { token, hash } = newAccessToken();
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toBe(hashAccessToken(token));
  });

  it('never repeats', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newAccessToken().token));
    expect(tokens.size).toBe(1000);
  });
});

describe('hashAccessToken', () => {
  it.each<[token: string, hash: string]>([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('%j -> %s', (token, hash) => {
    expect(hashAccessToken(token)).toBe(hash);
  });
});

describe('looksLikeAccessToken', () => {
  const body = 'A'.repeat(42) + '_';
  it.each<[value: string, expected: boolean]>([
    [`ist_${body}`, true],
    [`ist_${'-'.repeat(43)}`, true],
    [`ist_${body.slice(1)}`, false],
    [`ist_${body}A`, false],
    [`IST_${body}`, false],
    [`ist-${body}`, false],
    [`ist_${'A'.repeat(42)}=`, false],
    [`ist_${'A'.repeat(42)}+`, false],
    [`ist_${'A'.repeat(42)}/`, false],
    [` ist_${body}`, false],
    [`ist_${body}\n`, false],
    ['', false],
    ['eyJhbGciOiJIUzI1NiJ9.e30.sig', false],
  ])('%j -> %s', (value, expected) => {
    expect(looksLikeAccessToken(value)).toBe(expected);
  });

  it('recognises every freshly made token', () => {
    for (let index = 0; index < 200; index++) expect(looksLikeAccessToken(newAccessToken().token)).toBe(true);
  });
});

describe('parseBasicCredentials', () => {
  it.each<[header: string, expected: { username: string; password: string } | undefined]>([
    [basic('x:ist_token'), { username: 'x', password: 'ist_token' }],
    [basic('alice:pa:ss:word'), { username: 'alice', password: 'pa:ss:word' }],
    [basic(':secret'), { username: '', password: 'secret' }],
    [basic('alice:'), { username: 'alice', password: '' }],
    [basic('jürgen:pässwort'), { username: 'jürgen', password: 'pässwort' }],
    [`basic ${Buffer.from('a:b').toString('base64')}`, { username: 'a', password: 'b' }],
    [`BASIC   ${Buffer.from('a:b').toString('base64')}  `, { username: 'a', password: 'b' }],
    [`Basic ${Buffer.from('ab:c').toString('base64').replace(/=+$/, '')}`, { username: 'ab', password: 'c' }],
    [basic('no-colon'), undefined],
    [basic('a:b\u0000'), undefined],
    [basic('a\n:b'), undefined],
    [`Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`, undefined],
    ['Basic', undefined],
    ['Basic ', undefined],
    ['Basic !!!!', undefined],
    ['Basic YTpi YTpi', undefined],
    ['Basic YTpi=', undefined],
    [`Bearer ${Buffer.from('a:b').toString('base64')}`, undefined],
    [`Basicx ${Buffer.from('a:b').toString('base64')}`, undefined],
    ['', undefined],
  ])('%j -> %j', (header, expected) => {
    expect(parseBasicCredentials(header)).toEqual(expected);
  });

  it('answers undefined for a missing header rather than throwing', () => {
    expect(parseBasicCredentials(undefined as unknown as string)).toBeUndefined();
  });
});

describe('bearerToken', () => {
  const token = newAccessToken().token;
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl';
  it.each<[header: string | undefined, expected: string | undefined]>([
    [`Bearer ${token}`, token],
    [`bearer ${token}`, token],
    [`BEARER  ${token} `, token],
    [`Bearer ${jwt}`, jwt],
    ['Bearer abc+/==', 'abc+/=='],
    [undefined, undefined],
    ['', undefined],
    ['Bearer', undefined],
    ['Bearer ', undefined],
    [token, undefined],
    [`Basic ${token}`, undefined],
    [`Bearer ${token} extra`, undefined],
    ['Bearer a=b', undefined],
    ['Bearer "quoted"', undefined],
    ['Bearer tök', undefined],
  ])('%j -> %j', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
