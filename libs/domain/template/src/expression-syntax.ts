import { MAX_GENERATED_LENGTH, MIN_GENERATED_LENGTH } from './limits';

/** A parsed `from`: literal text and `[class]{n}` runs, in order. */
export type ExpressionPart = { literal: string } | { alphabet: string; length: number };

export type ParsedExpression = { parts: ExpressionPart[]; problems?: never } | { problems: string[]; parts?: never };

const LOWERCASE = 'abcdefghijklmnopqrstuvwxyz';
const UPPERCASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const SYMBOLS = '~!@#$%^&*()-_+={}[]\\|<,>.?/"\';:`';
/** Ranges are slices of this order, so `[a-Z]` crosses from lowercase into uppercase. */
const RANGE_ORDER = LOWERCASE + UPPERCASE + DIGITS;

const ESCAPE_ALPHABETS: Readonly<Record<string, string>> = {
  '\\w': LOWERCASE + UPPERCASE + DIGITS + '_',
  '\\d': DIGITS,
  // OpenShift's docs say "letters"; its code (and every template written against it) means letters and digits.
  '\\a': LOWERCASE + UPPERCASE + DIGITS,
  '\\A': SYMBOLS,
};

/** `[class]{n}` with the characters OpenShift allows in a class; anything else in `from` is literal. */
const GENERATOR = /\[([a-zA-Z0-9\-\\]+)\]\{([0-9]+)\}/g;
const OUTSIDE_GENERATOR_FORBIDDEN = /[[\]{}]/;

/**
 * Splits `from` into literal text and generators, or lists what is wrong with it.
 *
 * Where imagestreams deliberately differs from OpenShift (library-go `expressionvalue.go`):
 * - ranges include their last character (`[a-z]` can give `z`, `[0-1]` gives both digits, `[a-a]`
 *   is `a`); OpenShift drops it, which also made `[a-a]` an empty alphabet and a server crash;
 * - a class is read item by item (`\w`, `\d`, `\a`, `\A`, `x-y`), so `[\da-z]` is digits plus
 *   a..z; OpenShift glues `\d` to the next letter and reads `\a`;
 * - a `from` OpenShift would copy (partly) literally is rejected: one without any `[class]{n}`
 *   (`plain`, `[a-z]`, `""`), and one with `[ ] { }` outside its generators (`plain[a-z]text`,
 *   `[a-z]{3}{2}`, `[a-z_]{3}`), because a literal "password" is never what the author meant;
 * - the generators are found once in the original text, never in generated text.
 * Expressions OpenShift rejects are reported first, with OpenShift's own message (its typo
 * "expresion" included), so clients matching on it keep working; explanations follow.
 */
export function parseExpression(expression: string): ParsedExpression {
  const openShiftProblems: string[] = [];
  const ownProblems: string[] = [];
  const parts: ExpressionPart[] = [];
  let literalStart = 0;

  for (const match of expression.matchAll(GENERATOR)) {
    const start = match.index;
    const literal = expression.slice(literalStart, start);
    checkLiteral(expression, literal, literalStart, ownProblems);
    if (literal) parts.push({ literal });
    literalStart = start + match[0].length;

    const classText = `[${match[1]}]`;
    const openShiftProblem = openShiftRejection(classText, match[2]);
    if (openShiftProblem) openShiftProblems.push(openShiftProblem);
    // Read the class even when OpenShift rejects it: its message alone rarely says what is wrong.
    const alphabet = classAlphabet(classText, start, ownProblems);
    if (alphabet !== undefined && !openShiftProblem) parts.push({ alphabet, length: Number(match[2]) });
  }

  const tail = expression.slice(literalStart);
  checkLiteral(expression, tail, literalStart, ownProblems);
  if (tail) parts.push({ literal: tail });

  if (literalStart === 0) {
    return { problems: [`malformed expression ${JSON.stringify(expression)}: it has no [class]{n} generator such as [a-z0-9]{8}`] };
  }
  const problems = [...new Set([...openShiftProblems, ...ownProblems])];
  return problems.length > 0 ? { problems } : { parts };
}

function checkLiteral(expression: string, literal: string, offset: number, problems: string[]): void {
  const found = OUTSIDE_GENERATOR_FORBIDDEN.exec(literal);
  if (!found) return;
  problems.push(
    `malformed expression ${JSON.stringify(expression)}: "${found[0]}" at position ${offset + found.index} is not part of a [class]{n} generator ` +
      '(a class holds only \\w, \\d, \\a, \\A and ranges like a-z; n is 1 to 255)',
  );
}

/** Reads a class item by item; returns undefined (and records why) when it is not well formed. */
function classAlphabet(classText: string, offset: number, problems: string[]): string | undefined {
  const content = classText.slice(1, -1);
  const characters = new Set<string>();
  let index = 0;
  while (index < content.length) {
    const position = offset + 1 + index;
    const char = content[index];
    if (char === '\\') {
      const escape = content.slice(index, index + 2);
      const alphabet = ESCAPE_ALPHABETS[escape];
      if (alphabet === undefined) {
        problems.push(`malformed expression class ${classText}: unknown escape "${escape}" at position ${position} (only \\w, \\d, \\a and \\A exist)`);
        return undefined;
      }
      for (const c of alphabet) characters.add(c);
      index += 2;
      continue;
    }
    const from = RANGE_ORDER.indexOf(char);
    const to = content[index + 1] === '-' ? RANGE_ORDER.indexOf(content[index + 2] ?? '') : -1;
    if (from < 0 || to < 0) {
      problems.push(`malformed expression class ${classText}: "${char}" at position ${position} does not start \\w, \\d, \\a, \\A or a range like a-z`);
      return undefined;
    }
    if (from > to) {
      problems.push(`invalid range specified: ${char}-${content[index + 2]}`);
      return undefined;
    }
    for (const c of RANGE_ORDER.slice(from, to + 1)) characters.add(c);
    index += 3;
  }
  // Unreachable with inclusive ranges, kept so that an empty alphabet can never reach the random draw.
  if (characters.size === 0) {
    problems.push(`malformed expression class ${classText}: it allows no characters`);
    return undefined;
  }
  return [...characters].join('');
}

// ------------------------------------------------------------------ what OpenShift itself rejects

const OPENSHIFT_CLASS = /\[(\\w|\\d|\\a|\\A)|([a-zA-Z0-9]-[a-zA-Z0-9])+\]/;
const OPENSHIFT_PIECE = /[\\]?[a-zA-Z0-9]-?[a-zA-Z0-9]?/g;
const OPENSHIFT_REFERENCE = LOWERCASE + UPPERCASE + DIGITS + SYMBOLS;
const GO_MAX_INT = 2n ** 63n - 1n;

/**
 * OpenShift's error for one `[class]{n}`, in its order (class syntax, length, ranges), or
 * undefined when OpenShift accepts it. Its range check runs on its own reading of the class,
 * which is why this mirrors that reading instead of reusing `classAlphabet`.
 */
function openShiftRejection(classText: string, countDigits: string): string | undefined {
  if (!OPENSHIFT_CLASS.test(classText)) return `malformed expresion syntax: ${classText}`;
  const count = BigInt(countDigits);
  if (count < BigInt(MIN_GENERATED_LENGTH) || count > BigInt(MAX_GENERATED_LENGTH)) {
    // Go's Atoi saturates at the largest int, so that is what its message shows for longer numbers.
    return `range must be within [${MIN_GENERATED_LENGTH}-${MAX_GENERATED_LENGTH}] characters (${count > GO_MAX_INT ? GO_MAX_INT : count})`;
  }
  for (const [piece] of classText.matchAll(OPENSHIFT_PIECE)) {
    const first = piece[0];
    const last = piece[piece.length - 1];
    if (ESCAPE_ALPHABETS[first + last] !== undefined) continue;
    if (OPENSHIFT_REFERENCE.indexOf(first) > OPENSHIFT_REFERENCE.lastIndexOf(last)) return `invalid range specified: ${first}-${last}`;
  }
  return undefined;
}
