import { isJsonObject, jsonEqual } from './json-equal';

describe('jsonEqual', () => {
  it.each<[label: string, a: unknown, b: unknown, expected: boolean]>([
    ['same primitive', 1, 1, true],
    ['different primitives', 1, 2, false],
    ['string vs number', '1', 1, false],
    ['null vs null', null, null, true],
    ['null vs empty object', null, {}, false],
    ['null vs undefined', null, undefined, false],
    ['empty objects', {}, {}, true],
    ['key order does not matter', { a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }, true],
    ['nested value differs', { a: { b: 1 } }, { a: { b: 2 } }, false],
    ['extra key', { a: 1 }, { a: 1, b: 2 }, false],
    ['missing key on the other side', { a: 1, b: 2 }, { a: 1, c: 2 }, false],
    ['undefined-valued key equals a missing key', { a: 1, b: undefined }, { a: 1 }, true],
    ['null-valued key is not a missing key', { a: 1, b: null }, { a: 1 }, false],
    ['same arrays', [1, { a: 2 }], [1, { a: 2 }], true],
    ['array order matters', [1, 2], [2, 1], false],
    ['array length differs', [1], [1, 1], false],
    ['array vs object with index keys', [1], { 0: 1 }, false],
    ['object vs array', {}, [], false],
  ])('%s', (_label, a, b, expected) => {
    expect(jsonEqual(a, b)).toBe(expected);
    expect(jsonEqual(b, a)).toBe(expected);
  });
});

describe('isJsonObject', () => {
  it.each<[unknown, boolean]>([
    [{}, true],
    [{ a: 1 }, true],
    [null, false],
    [[], false],
    ['x', false],
    [1, false],
    [undefined, false],
  ])('%j → %s', (value, expected) => {
    expect(isJsonObject(value)).toBe(expected);
  });
});
