import { withoutNul } from './storable-strings';

describe('withoutNul', () => {
  it('replaces every NUL in strings, keys and nested values with U+FFFD and keeps everything else', () => {
    const config = { config: { Labels: { 'a\u0000b': 'x\u0000y\u0000' }, Env: ['A=\u0000', 'B=1'], ExposedPorts: { '80/tcp': {} } }, size: 3, ok: true, none: null };
    expect(withoutNul(config)).toEqual({
      config: { Labels: { 'a\uFFFDb': 'x\uFFFDy\uFFFD' }, Env: ['A=\uFFFD', 'B=1'], ExposedPorts: { '80/tcp': {} } },
      size: 3,
      ok: true,
      none: null,
    });
    expect(JSON.stringify(withoutNul(config))).not.toContain('\\u0000');
  });

  it('leaves the original untouched', () => {
    const annotations = { note: 'a\u0000' };
    withoutNul(annotations);
    expect(annotations.note).toBe('a\u0000');
  });
});
