import { JsonDepthError, nestingExceeds, parseJsonLosslessly, stringifyJson } from './lossless-json';
import type { JsonValue } from './types';

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('parseJsonLosslessly', () => {
  it.each<[text: string, expected: JsonValue]>([
    ['3', 3],
    ['-1.5', -1.5],
    ['1e3', 1000],
    ['1E-2', 0.01],
    [' 42 ', 42],
    ['\n\t\r 7\n', 7],
    ['true', true],
    ['false', false],
    ['null', null],
    ['"hello"', 'hello'],
    ['"esc \\" \\\\ \\/ \\n \\u00e9"', 'esc " \\ / \n é'],
    ['{"a":1}', { a: 1 }],
    ['[1,"x"]', [1, 'x']],
    ['{ "a" : [ { "b" : null } ] , "c" : {} }', { a: [{ b: null }], c: {} }],
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['123456789012345678901234567890', 123456789012345678901234567890n],
    ['9223372036854775807.0', 2 ** 63],
    ['1e21', 1e21],
  ])('%j', (text, expected) => {
    expect(parseJsonLosslessly(text)).toEqual(expected);
  });

  it.each(['', 'hello', '007', '{"key":"value"', '[1,]', '{"a":1,}', "{'a':1}", '01', '-', '1.', '.5', '+1', 'tru', '"\u0001"', '"open', '1 2', 'NaN', '{"a" 1}'])(
    'rejects %j as invalid JSON',
    (text) => {
      expect(() => parseJsonLosslessly(text)).toThrow(SyntaxError);
    },
  );

  it('keeps a member named __proto__ as data instead of a prototype', () => {
    const parsed = parseJsonLosslessly('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('lets the last of duplicated members win, as JSON.parse and Go do', () => {
    expect(parseJsonLosslessly('{"a":1,"a":2}')).toEqual({ a: 2 });
  });

  it('accepts nesting up to the limit and rejects one level more', () => {
    expect(() => parseJsonLosslessly(nestedArrays(5), 5)).not.toThrow();
    expect(() => parseJsonLosslessly(nestedArrays(6), 5)).toThrow(JsonDepthError);
  });

  it('rejects hostile nesting without overflowing the stack', () => {
    expect(() => parseJsonLosslessly(nestedArrays(1_000_000))).toThrow(JsonDepthError);
  });
});

describe('stringifyJson', () => {
  it.each<[value: JsonValue, text: string]>([
    [9223372036854775807n, '9223372036854775807'],
    [{ replicas: 12345678901234567890n, list: [1, 'x', null, true] }, '{"replicas":12345678901234567890,"list":[1,"x",null,true]}'],
    ['quote " and \n', '"quote \\" and \\n"'],
    [{}, '{}'],
    [[], '[]'],
  ])('%j', (value, text) => {
    expect(stringifyJson(value)).toBe(text);
  });

  it('round-trips with parseJsonLosslessly', () => {
    const text = '{"a":[1,2.5,-3e-7,18446744073709551615],"b":{"c":"d"}}';
    expect(stringifyJson(parseJsonLosslessly(text))).toBe('{"a":[1,2.5,-3e-7,18446744073709551615],"b":{"c":"d"}}');
  });

  it('stops past the depth limit', () => {
    expect(() => stringifyJson([[[]]], 2)).toThrow(JsonDepthError);
  });
});

describe('nestingExceeds', () => {
  it.each<[value: unknown, maxDepth: number, exceeds: boolean]>([
    ['scalar', 0, false],
    [{}, 1, false],
    [{ a: {} }, 1, true],
    [{ a: [{}] }, 3, false],
    [{ a: [{}] }, 2, true],
  ])('%j beyond %i levels: %s', (value, maxDepth, exceeds) => {
    expect(nestingExceeds(value, maxDepth)).toBe(exceeds);
  });
});
