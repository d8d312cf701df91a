import { type ByteRange, parseBlobRange, parseUploadContentRange } from './ranges';

describe('parseUploadContentRange', () => {
  it.each<[header: string, expected: ByteRange]>([
    ['0-0', { start: 0, end: 0 }],
    ['0-1023', { start: 0, end: 1023 }],
    ['1024-2047', { start: 1024, end: 2047 }],
    [' 5-9 ', { start: 5, end: 9 }],
    ['007-010', { start: 7, end: 10 }],
    ['bytes 0-1023', { start: 0, end: 1023 }],
    ['bytes 0-1023/*', { start: 0, end: 1023 }],
    ['bytes 0-1023/1024', { start: 0, end: 1023 }],
    ['bytes 10-19/4096', { start: 10, end: 19 }],
    ['Bytes 1-2', { start: 1, end: 2 }],
    [`0-${Number.MAX_SAFE_INTEGER}`, { start: 0, end: Number.MAX_SAFE_INTEGER }],
  ])('%j → %j', (header, expected) => {
    expect(parseUploadContentRange(header)).toEqual(expected);
  });

  it.each<[label: string, header: string | undefined]>([
    ['no header', undefined],
    ['empty', ''],
    ['end before start', '10-9'],
    ['open end', '0-'],
    ['suffix form', '-10'],
    ['negative start', '-1-5'],
    ['decimals', '0.5-10'],
    ['exponent notation', '1e3-2e3'],
    ['hex', '0x0-0x10'],
    ['beyond safe integers', `0-${2 ** 53}`],
    ['the Range header form', 'bytes=0-10'],
    ['a total smaller than the end', 'bytes 0-1023/1023'],
    ['a total that is not a number', 'bytes 0-9/ten'],
    ['a total on the OCI form', '0-9/10'],
    ['two ranges', '0-9,10-19'],
    ['no unit separator', 'bytes0-9'],
    ['spaces inside', '0 - 9'],
  ])('rejects %s', (_label, header) => {
    expect(parseUploadContentRange(header)).toBeUndefined();
  });
});

describe('parseBlobRange', () => {
  it.each<[header: string | undefined, size: number, expected: ByteRange | 'unsatisfiable' | undefined]>([
    // Served as a range
    ['bytes=0-9', 100, { start: 0, end: 9 }],
    ['bytes=10-10', 100, { start: 10, end: 10 }],
    ['bytes=90-200', 100, { start: 90, end: 99 }],
    ['bytes=50-', 100, { start: 50, end: 99 }],
    ['bytes=0-', 100, { start: 0, end: 99 }],
    ['bytes=99-', 100, { start: 99, end: 99 }],
    ['bytes=-10', 100, { start: 90, end: 99 }],
    ['bytes=-100', 100, { start: 0, end: 99 }],
    ['bytes=-1000', 100, { start: 0, end: 99 }],
    ['BYTES=1-2', 100, { start: 1, end: 2 }],
    [' bytes=1-2 ', 100, { start: 1, end: 2 }],
    ['bytes=0-99999999999999999999', 100, { start: 0, end: 99 }],
    // 416
    ['bytes=100-', 100, 'unsatisfiable'],
    ['bytes=100-200', 100, 'unsatisfiable'],
    ['bytes=0-', 0, 'unsatisfiable'],
    ['bytes=-0', 100, 'unsatisfiable'],
    ['bytes=-5', 0, 'unsatisfiable'],
    ['bytes=99999999999999999999-', 100, 'unsatisfiable'],
    ['bytes=9-0', 100, 'unsatisfiable'],
    ['bytes=500-0', 2048, 'unsatisfiable'],
    // Ignored: the whole blob is sent
    [undefined, 100, undefined],
    ['', 100, undefined],
    ['bytes=', 100, undefined],
    ['bytes=-', 100, undefined],
    ['bytes=0-9,20-29', 100, undefined],
    ['bytes=0-9, 20-29', 100, undefined],
    ['items=0-9', 100, undefined],
    ['bytes 0-9', 100, undefined],
    ['0-9', 100, undefined],
    ['bytes=a-b', 100, undefined],
    ['bytes=1.5-3', 100, undefined],
    ['bytes=-1-3', 100, undefined],
  ])('%j of %i bytes → %j', (header, size, expected) => {
    expect(parseBlobRange(header, size)).toEqual(expected);
  });
});
