import { EXPRESSION_GENERATOR, generateExpression, InvalidExpressionError, validateExpression } from './expression-generator';
import { MAX_GENERATED_LENGTH } from './limits';
import type { RandomSource } from './types';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '~!@#$%^&*()-_+={}[]\\|<,>.?/"\';:`';

/** Walks 0, 1, 2, … modulo the alphabet size: a long enough run draws every character. */
function cyclingRandom(): RandomSource {
  let next = 0;
  return (maxExclusive) => next++ % maxExclusive;
}

const sorted = (characters: Iterable<string>) => [...new Set(characters)].sort().join('');

/** Draws `count` characters of `[class]` in runs of at most 255. */
function drawCharacters(classText: string, count: number, random?: RandomSource): string {
  let drawn = '';
  while (drawn.length < count) {
    const length = Math.min(MAX_GENERATED_LENGTH, count - drawn.length);
    drawn += generateExpression(`${classText}{${length}}`, random);
  }
  return drawn;
}

describe('the expression generator', () => {
  it('is registered under the name "expression"', () => {
    expect(EXPRESSION_GENERATOR).toBe('expression');
  });

  // Alphabets per class. Ranges include their last character (OpenShift drops it), \a is letters
  // and digits (as OpenShift's code, not its docs), classes are read item by item.
  const CLASSES: Array<[classText: string, alphabet: string]> = [
    ['[\\w]', LOWER + UPPER + DIGITS + '_'],
    ['[\\d]', DIGITS],
    ['[\\a]', LOWER + UPPER + DIGITS],
    ['[\\A]', SYMBOLS],
    ['[a-z]', LOWER],
    ['[A-Z]', UPPER],
    ['[0-9]', DIGITS],
    ['[a-zA-Z0-9]', LOWER + UPPER + DIGITS],
    ['[A-F0-9]', 'ABCDEF' + DIGITS],
    ['[0-1]', '01'],
    ['[a-b]', 'ab'],
    ['[a-a]', 'a'],
    ['[a-Z]', LOWER + UPPER],
    ['[x-B]', 'xyzAB'],
    ['[z-0]', 'z' + UPPER + '0'],
    ['[\\da-z]', DIGITS + LOWER],
    ['[\\wa-z]', LOWER + UPPER + DIGITS + '_'],
    ['[\\w\\d]', LOWER + UPPER + DIGITS + '_'],
    ['[\\A\\d]', SYMBOLS + DIGITS],
    ['[a-c0-2X-Z]', 'abc012XYZ'],
  ];

  describe.each(CLASSES)('%s', (classText, alphabet) => {
    it('draws all and only its characters (deterministic source walking every index)', () => {
      expect(sorted(drawCharacters(classText, 3 * alphabet.length, cyclingRandom()))).toBe(sorted(alphabet));
    });

    it('draws all and only its characters from the default CSPRNG over 2000 draws', () => {
      // A given character of 95 is missed by 2000 uniform draws with probability < 1e-9.
      expect(sorted(drawCharacters(classText, 2000))).toBe(sorted(alphabet));
    });
  });

  it('draws each character of the alphabet equally often when the source is uniform', () => {
    const counts = new Map<string, number>();
    for (const char of drawCharacters('[a-zA-Z0-9]', 62 * 10, cyclingRandom())) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(new Set(counts.values())).toEqual(new Set([10]));
  });

  describe('literal text around the generators', () => {
    it.each<[expression: string, shape: RegExp]>([
      ['user[A-Z0-9]{3}', /^user[A-Z0-9]{3}$/],
      ['admin[A-Z0-9]{3}', /^admin[A-Z0-9]{3}$/],
      ['[a-z]{2}-[0-9]{2}', /^[a-z]{2}-[0-9]{2}$/],
      ['pre.fix_/:@ [\\d]{4} suffix!', /^pre\.fix_\/:@ [0-9]{4} suffix!$/],
      ['$x [a-a]{2} $NOT_A_PARAMETER', /^\$x aa \$NOT_A_PARAMETER$/],
    ])('%s', (expression, shape) => {
      expect(generateExpression(expression)).toMatch(shape);
    });

    it('keeps literal characters exactly', () => {
      expect(generateExpression('key-[a-a]{3}.pem')).toBe('key-aaa.pem');
    });
  });

  describe('catalog shapes', () => {
    it.each<[expression: string, shape: RegExp]>([
      ['[a-zA-Z0-9]{40}', /^[a-zA-Z0-9]{40}$/],
      ['[a-z0-9]{127}', /^[a-z0-9]{127}$/],
      ['[a-zA-Z0-9]{8}', /^[a-zA-Z0-9]{8}$/],
      ['[a-zA-Z0-9]{16}', /^[a-zA-Z0-9]{16}$/],
      ['[\\w]{50}', /^\w{50}$/],
    ])('%s', (expression, shape) => {
      expect(generateExpression(expression)).toMatch(shape);
    });
  });

  describe('lengths', () => {
    it('generates every length from 1 to 255', () => {
      for (let length = 1; length <= MAX_GENERATED_LENGTH; length++) {
        expect(generateExpression(`[a-z]{${length}}`)).toHaveLength(length);
      }
    });

    it.each([
      ['[a-z]{007}', 7],
      ['[a-z]{0255}', 255],
      ['[a-z]{3}[0-9]{255}', 258],
    ])('%s has %i characters', (expression, length) => {
      expect(generateExpression(expression)).toHaveLength(length);
    });
  });

  it('never re-reads generated text: symbols that look like a class stay as drawn', () => {
    // \A draws [ ] { } and digits, which OpenShift would scan again as new generators.
    const generated = generateExpression('[\\A]{255}', cyclingRandom());
    expect(generated).toHaveLength(255);
    expect(sorted(generated)).toBe(sorted(SYMBOLS));
  });

  describe('rejected expressions', () => {
    // OpenShift's own rejections keep its message (typo included); the rest are imagestreams'.
    it.each<[expression: string, firstProblem: string | RegExp]>([
      // the class OpenShift does not accept
      ['[ABC]{3}', 'malformed expresion syntax: [ABC]'],
      ['[abc]{3}', 'malformed expresion syntax: [abc]'],
      ['[a]{3}', 'malformed expresion syntax: [a]'],
      ['[-]{3}', 'malformed expresion syntax: [-]'],
      ['[\\x]{3}', 'malformed expresion syntax: [\\x]'],
      ['[\\]{3}', 'malformed expresion syntax: [\\]'],
      ['[a-z\\d]{3}', 'malformed expresion syntax: [a-z\\d]'],
      ['[a-z-]{3}', 'malformed expresion syntax: [a-z-]'],
      // lengths outside 1..255
      ['[a-z]{0}', 'range must be within [1-255] characters (0)'],
      ['[a-z]{256}', 'range must be within [1-255] characters (256)'],
      ['[a-z]{000}', 'range must be within [1-255] characters (0)'],
      ['[a-z]{99999999999999999999}', 'range must be within [1-255] characters (9223372036854775807)'],
      // reversed or cross-order ranges
      ['[Z-A]{3}', 'invalid range specified: Z-A'],
      ['[z-a]{3}', 'invalid range specified: z-a'],
      ['[A-z]{3}', 'invalid range specified: A-z'],
      ['[0-z]{3}', 'invalid range specified: 0-z'],
      ['[9-0]{3}', 'invalid range specified: 9-0'],
      ['[\\w\\x]{3}', 'invalid range specified: \\-x'],
      ['[\\w-]{3}', 'invalid range specified: \\--'],
      ['[\\d\\q]{3}', 'invalid range specified: \\-q'],
      // classes OpenShift misreads instead of rejecting
      ['[\\wabc]{3}', /^malformed expression class \[\\wabc\]: "a" at position 3 does not start/],
      ['[\\wa]{3}', /^malformed expression class \[\\wa\]: "a" at position 3 does not start/],
      ['[\\d\\qa]{3}', /^malformed expression class \[\\d\\qa\]: unknown escape "\\q" at position 3/],
      // no generator at all: OpenShift copies these literally
      ['', 'malformed expression "": it has no [class]{n} generator such as [a-z0-9]{8}'],
      ['plain', /^malformed expression "plain": it has no \[class\]\{n\} generator/],
      ['[a-z]', /^malformed expression "\[a-z\]": it has no \[class\]\{n\} generator/],
      ['{3}[a-z]', /it has no \[class\]\{n\} generator/],
      ['[a-z]{}', /it has no \[class\]\{n\} generator/],
      ['[^a-z]{3}', /it has no \[class\]\{n\} generator/],
      ['[a-z0-9_]{3}', /it has no \[class\]\{n\} generator/],
      ['plain[a-z]text', /it has no \[class\]\{n\} generator/],
      ['[a-', /it has no \[class\]\{n\} generator/],
      ['[a-z', /it has no \[class\]\{n\} generator/],
      ['[a-z]{3', /it has no \[class\]\{n\} generator/],
      ['{0}', /it has no \[class\]\{n\} generator/],
      // brackets or braces outside the generators
      ['[a-z]{3}{2}', /^malformed expression "\[a-z\]\{3\}\{2\}": "\{" at position 8 is not part of a \[class\]\{n\} generator/],
      ['x[a-z]{3}]', /"\]" at position 9 is not part of a \[class\]\{n\} generator/],
      ['{[a-z]{3}', /"\{" at position 0 is not part of a \[class\]\{n\} generator/],
      ['[a-z]{3}plain[a-z]text', /"\[" at position 13 is not part of a \[class\]\{n\} generator/],
      ['[a-z_]{3}[a-z]{3}', /"\[" at position 0 is not part of a \[class\]\{n\} generator/],
    ])('%j', (expression, firstProblem) => {
      const problems = validateExpression(expression);
      expect(problems.length).toBeGreaterThan(0);
      if (typeof firstProblem === 'string') expect(problems[0]).toBe(firstProblem);
      else expect(problems[0]).toMatch(firstProblem);
      expect(() => generateExpression(expression)).toThrow(InvalidExpressionError);
    });

    it('explains a class OpenShift rejects after OpenShift\'s own message', () => {
      expect(validateExpression('[\\x]{3}')).toEqual([
        'malformed expresion syntax: [\\x]',
        expect.stringMatching(/unknown escape "\\x" at position 1 \(only \\w, \\d, \\a and \\A exist\)/),
      ]);
    });

    it('lists the problems of every generator, OpenShift\'s first', () => {
      expect(validateExpression('[a-z]{0}x[Z-A]{2}{')).toEqual([
        'range must be within [1-255] characters (0)',
        'invalid range specified: Z-A',
        expect.stringMatching(/"\{" at position 17/),
      ]);
    });

    it('carries the expression and all problems on the error', () => {
      try {
        generateExpression('[ABC]{0}');
        throw new Error('expected a rejection');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidExpressionError);
        expect(error).toMatchObject({ expression: '[ABC]{0}', problems: ['malformed expresion syntax: [ABC]', expect.any(String)] });
      }
    });
  });

  it.each([
    ['a negative index', () => -1],
    ['an index past the alphabet', (max: number) => max],
    ['a fraction', () => 0.5],
    ['NaN', () => Number.NaN],
  ])('refuses a random source returning %s instead of biasing the output', (_label, random) => {
    expect(() => generateExpression('[a-z]{3}', random)).toThrow(RangeError);
  });

  it('asks the source for indexes below the alphabet size', () => {
    const asked: number[] = [];
    generateExpression('[0-9]{2}[\\w]{1}', (max) => {
      asked.push(max);
      return 0;
    });
    expect(asked).toEqual([10, 10, 63]);
  });
});
