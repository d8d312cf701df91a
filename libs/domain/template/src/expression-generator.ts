import { parseExpression } from './expression-syntax';
import { cryptoRandom, drawIndex } from './random-source';
import type { RandomSource } from './types';

/** The name a parameter's `generate` must have for `from` to be used. */
export const EXPRESSION_GENERATOR = 'expression';

/** A `from` the generator cannot use; `problems[0]` is the one OpenShift would report. */
export class InvalidExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly problems: readonly string[],
  ) {
    super(problems.join('; '));
    this.name = 'InvalidExpressionError';
  }
}

/** Everything wrong with `from`, OpenShift's own rejection first; empty when it can be generated. */
export function validateExpression(expression: string): string[] {
  return parseExpression(expression).problems ?? [];
}

/**
 * Replaces every `[class]{n}` of `expression` with n characters drawn uniformly from the class,
 * keeping the text around them (`user[A-Z0-9]{3}` → `userQ3H`). Throws `InvalidExpressionError`
 * for an expression `validateExpression` finds problems in.
 */
export function generateExpression(expression: string, random: RandomSource = cryptoRandom): string {
  const parsed = parseExpression(expression);
  if (parsed.problems) throw new InvalidExpressionError(expression, parsed.problems);
  let generated = '';
  for (const part of parsed.parts) {
    if ('literal' in part) {
      generated += part.literal;
      continue;
    }
    for (let i = 0; i < part.length; i++) generated += part.alphabet[drawIndex(random, part.alphabet.length)];
  }
  return generated;
}
