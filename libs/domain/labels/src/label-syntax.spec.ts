import { ANNOTATIONS_MAX_BYTES, annotationsProblems, labelKeyProblem, labelsProblems, labelValueProblem } from './label-syntax';

describe('label keys', () => {
  it.each(['app', 'app.kubernetes.io/name', 'openshift.io/display-name', 'A_b.c-9', `example.com/${'n'.repeat(63)}`])('accepts %s', (key) => {
    expect(labelKeyProblem(key)).toBeUndefined();
  });

  it.each([
    ['', /name part must not be empty/],
    ['has space', /name part must consist/],
    ['-leading', /name part must consist/],
    ['a/b/c', /optionally prefixed/],
    ['/name', /prefix part must not be empty/],
    ['Upper.Case/name', /lowercase DNS subdomain/],
    ['n'.repeat(64), /no more than 63/],
    [`${'p'.repeat(254)}/name`, /no more than 253/],
  ])('refuses %j', (key, problem) => {
    expect(labelKeyProblem(key)).toMatch(problem);
  });
});

describe('label values', () => {
  it.each(['', 'v1', 'rails-postgresql-example', '1.2_3'])('accepts %j', (value) => {
    expect(labelValueProblem(value)).toBeUndefined();
  });

  it.each([['a b'], ['trailing-'], ['x'.repeat(64)], ['${NAME}']])('refuses %j', (value) => {
    expect(labelValueProblem(value)).toBeDefined();
  });
});

describe('labelsProblems', () => {
  it('accepts a map of valid keys to valid values', () => {
    expect(labelsProblems({ app: 'web', 'app.kubernetes.io/part-of': 'shop', empty: '' })).toEqual([]);
  });

  it.each([[[]], ['app=web'], [null], [7]])('refuses %j, which is not a map', (labels) => {
    expect(labelsProblems(labels)).toEqual(['must map label keys to string values']);
  });

  it('names every key whose value is not a string or not a label value, and every bad key', () => {
    expect(labelsProblems({ a: 7, b: ['x'], c: { d: 'e' }, ok: 'fine', 'bad key': 'v', e: 'not valid' })).toEqual([
      'value of "a": must be a string',
      'value of "b": must be a string',
      'value of "c": must be a string',
      expect.stringMatching(/^key "bad key": name part must consist/),
      expect.stringMatching(/^value of "e": must consist/),
    ]);
  });
});

describe('annotationsProblems', () => {
  it('accepts any string value, long and multi-line ones included', () => {
    expect(annotationsProblems({ description: 'A Rails app.\nWith PostgreSQL: ${NAME}', 'openshift.io/display-name': 'Rails', empty: '' })).toEqual([]);
  });

  it('refuses values that are not strings and keys that are not label keys', () => {
    expect(annotationsProblems({ n: 1, t: true, 'bad key': 'x' })).toEqual(['value of "n": must be a string', 'value of "t": must be a string', expect.stringMatching(/^key "bad key"/)]);
  });

  it('refuses annotations over 256 KiB in all, counting keys and UTF-8 bytes', () => {
    const half = 'é'.repeat(ANNOTATIONS_MAX_BYTES / 4); // 2 bytes each: half the limit per value
    expect(annotationsProblems({ a: half, b: half.slice(1) })).toEqual([]);
    expect(annotationsProblems({ a: half, bb: half })).toEqual([expect.stringMatching(/may not be more than 262144 bytes in all.*got 262147/)]);
  });
});
