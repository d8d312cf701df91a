import { RegistryError } from './oci-error';
import { linkHeader, MAX_PAGE_SIZE, type Page, pageAfter, type PageParams, parsePageParams } from './pagination';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

describe('pageAfter', () => {
  it.each<[label: string, names: string[], n: number | undefined, last: string | undefined, expected: Page]>([
    ['everything when neither n nor last is given', NAMES, undefined, undefined, { items: NAMES }],
    ['the first n', NAMES, 2, undefined, { items: ['a', 'b'], next: 'b' }],
    ['the next n after last', NAMES, 2, 'b', { items: ['c', 'd'], next: 'd' }],
    ['the final page has no next', NAMES, 2, 'd', { items: ['e'] }],
    ['a page that ends exactly at the end has no next', NAMES, 3, 'b', { items: ['c', 'd', 'e'] }],
    ['n larger than the list', NAMES, 10, undefined, { items: NAMES }],
    ['everything after last without n', NAMES, undefined, 'c', { items: ['d', 'e'] }],
    ['last that is not in the list', NAMES, 2, 'bb', { items: ['c', 'd'], next: 'd' }],
    ['last before every name', NAMES, 1, '0', { items: ['a'], next: 'a' }],
    ['last after every name', NAMES, 2, 'z', { items: [] }],
    ['last equal to the last name', NAMES, undefined, 'e', { items: [] }],
    ['n=0 gives an empty list and no next', NAMES, 0, undefined, { items: [] }],
    ['n=0 with last', NAMES, 0, 'a', { items: [] }],
    ['an empty list', [], 5, undefined, { items: [] }],
    ['ASCII order: uppercase sorts before lowercase', ['B', 'a', 'b'], 1, 'B', { items: ['a'], next: 'a' }],
    ['ASCII order: digits and dots', ['1.0', '1.10', '1.9', 'latest'], 2, '1.0', { items: ['1.10', '1.9'], next: '1.9' }],
  ])('%s', (_label, names, n, last, expected) => {
    expect(pageAfter(names, n, last)).toStrictEqual(expected);
  });

  it('returns a new array even when everything is listed', () => {
    const names = ['a'];
    const page = pageAfter(names, undefined, undefined);
    expect(page.items).not.toBe(names);
  });

  it.each<[n: number]>([[-1], [1.5], [NaN]])('refuses page size %s', (n) => {
    expect(() => pageAfter(NAMES, n, undefined)).toThrow(RangeError);
  });
});

describe('parsePageParams', () => {
  it.each<[label: string, query: { n?: unknown; last?: unknown }, expected: PageParams]>([
    ['nothing', {}, {}],
    ['n', { n: '2' }, { n: 2 }],
    ['n=0', { n: '0' }, { n: 0 }],
    ['n at the maximum', { n: String(MAX_PAGE_SIZE) }, { n: MAX_PAGE_SIZE }],
    ['leading zeros', { n: '007' }, { n: 7 }],
    ['last', { last: 'v1' }, { last: 'v1' }],
    ['both', { n: '10', last: 'v1.2' }, { n: 10, last: 'v1.2' }],
    ['empty values as not given', { n: '', last: '' }, {}],
    ['repeated parameters: the first counts', { n: ['3', 'x'], last: ['a', 'b'] }, { n: 3, last: 'a' }],
  ])('%s', (_label, query, expected) => {
    expect(parsePageParams(query)).toStrictEqual(expected);
  });

  it('uses the given maximum', () => {
    expect(parsePageParams({ n: '50' }, 50)).toEqual({ n: 50 });
    expect(() => parsePageParams({ n: '51' }, 50)).toThrow('n must be at most 50, got 51');
  });

  it.each<[label: string, n: unknown, detail: string]>([
    ['a negative number', '-1', 'n must be a non-negative integer, got "-1"'],
    ['a decimal', '1.5', 'n must be a non-negative integer, got "1.5"'],
    ['a word', 'ten', 'n must be a non-negative integer, got "ten"'],
    ['an exponent', '1e3', 'n must be a non-negative integer, got "1e3"'],
    ['whitespace', ' 5', 'n must be a non-negative integer, got " 5"'],
    ['a number instead of a query string', 5, 'n must be a non-negative integer, got 5'],
    ['over the maximum', '1001', 'n must be at most 1000, got 1001'],
    ['far over the maximum', '99999999999999999999', 'n must be at most 1000, got 99999999999999999999'],
  ])('refuses %s', (_label, n, detail) => {
    const error = catchError(() => parsePageParams({ n }));
    expect({ code: error.code, status: error.status, detail: error.detail }).toEqual({ code: 'PAGINATION_NUMBER_INVALID', status: 400, detail });
  });

  it('refuses a last that is an object', () => {
    const error = catchError(() => parsePageParams({ last: { a: 'b' } }));
    expect({ code: error.code, status: error.status, message: error.message }).toEqual({ code: 'UNSUPPORTED', status: 400, message: 'last must be a single string' });
  });
});

describe('linkHeader', () => {
  it.each<[path: string, n: number | undefined, next: string, expected: string]>([
    ['/v2/ns/app/tags/list', 2, 'b', '</v2/ns/app/tags/list?n=2&last=b>; rel="next"'],
    ['/v2/_catalog', 100, 'ns/app', '</v2/_catalog?n=100&last=ns%2Fapp>; rel="next"'],
    ['/v2/ns/app/tags/list', undefined, 'v1.0', '</v2/ns/app/tags/list?last=v1.0>; rel="next"'],
    ['/v2/ns/app/tags/list', 1, 'a&b=c d', '</v2/ns/app/tags/list?n=1&last=a%26b%3Dc%20d>; rel="next"'],
    ['/v2/ns/my app/tags/list', 1, 'x', '</v2/ns/my%20app/tags/list?n=1&last=x>; rel="next"'],
  ])('%s n=%s after %j', (path, n, next, expected) => {
    expect(linkHeader(path, n, next)).toBe(expected);
  });

  it('round-trips with parsePageParams', () => {
    const link = linkHeader('/v2/_catalog', 3, 'team/a+b');
    const url = new URL(link.slice(1, link.indexOf('>')), 'http://registry');
    expect(parsePageParams({ n: url.searchParams.get('n'), last: url.searchParams.get('last') })).toEqual({ n: 3, last: 'team/a+b' });
  });
});

function catchError(run: () => unknown): RegistryError {
  try {
    run();
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('expected a RegistryError');
}
