/**
 * Kubernetes label selectors: the `?labelSelector=` query of list and watch.
 *
 * Grammar (whitespace is allowed between any two tokens):
 *
 *   selector    := "" | requirement ("," requirement)*
 *   requirement := "!" key | key | key ("=" | "==" | "!=") value? | key ("in" | "notin") "(" values ")"
 *   values      := value? ("," value?)*
 *
 * An omitted value is the empty value, so `key=` selects an empty label and `key in ()` is
 * `key in ("")`, as in Kubernetes.
 */

import { labelKeyProblem, labelValueProblem } from './label-syntax';

export type LabelSelectorOperator = 'equals' | 'notEquals' | 'in' | 'notIn' | 'exists' | 'doesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator;
  /** One value for `equals`/`notEquals`, at least one for `in`/`notIn`, none otherwise. */
  values: string[];
}

/** All requirements must hold; no requirements selects everything. */
export interface LabelSelector {
  requirements: LabelSelectorRequirement[];
}

export type ParseLabelSelectorResult = { ok: true; selector: LabelSelector } | { ok: false; error: string };

type TokenKind = 'identifier' | '!' | '=' | '==' | '!=' | '(' | ')' | ',' | 'end';

interface Token {
  kind: TokenKind;
  text: string;
}

const END: Token = { kind: 'end', text: '' };
const SPECIAL_CHARACTERS = new Set(['!', '=', '(', ')', ',']);
const OPERATOR_EXPECTATION = '"=", "==", "!=", "in", "notin", "," or end of selector';

class SelectorError extends Error {}

/** Parses a selector string; the empty (or all-whitespace) string selects everything. */
export function parseLabelSelector(input: string): ParseLabelSelectorResult {
  try {
    return { ok: true, selector: { requirements: new Parser(tokenize(input)).parseSelector() } };
  } catch (error) {
    if (error instanceof SelectorError) return { ok: false, error: error.message };
    throw error;
  }
}

/** True when every requirement holds for `labels`; a missing label set is an empty one. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  return selector.requirements.every((requirement) => requirementMatches(requirement, labels ?? {}));
}

function requirementMatches(requirement: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = present ? labels[requirement.key] : undefined;
  switch (requirement.operator) {
    case 'exists':
      return present;
    case 'doesNotExist':
      return !present;
    case 'equals':
    case 'in':
      return present && requirement.values.includes(value as string);
    case 'notEquals':
    case 'notIn':
      return !present || !requirement.values.includes(value as string);
  }
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const char = input[index];
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '!' || char === '=') {
      const double = input[index + 1] === '=';
      const text = double ? `${char}=` : char;
      tokens.push({ kind: text as TokenKind, text });
      index += text.length;
    } else if (SPECIAL_CHARACTERS.has(char)) {
      tokens.push({ kind: char as TokenKind, text: char });
      index += 1;
    } else {
      const start = index;
      while (index < input.length && !SPECIAL_CHARACTERS.has(input[index]) && !/\s/.test(input[index])) index += 1;
      tokens.push({ kind: 'identifier', text: input.slice(start, index) });
    }
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parseSelector(): LabelSelectorRequirement[] {
    const requirements: LabelSelectorRequirement[] = [];
    if (this.peek().kind === 'end') return requirements;
    for (;;) {
      requirements.push(this.parseRequirement());
      const next = this.next();
      if (next.kind === 'end') return requirements;
      if (next.kind !== ',') throw unexpected(next, '"," or end of selector');
    }
  }

  private parseRequirement(): LabelSelectorRequirement {
    const first = this.next();
    if (first.kind === '!') {
      return { key: this.parseKey(), operator: 'doesNotExist', values: [] };
    }
    if (first.kind !== 'identifier') throw unexpected(first, 'label key or "!"');
    const key = validKey(first.text);
    const operator = this.peek();
    switch (operator.kind) {
      case 'end':
      case ',':
        return { key, operator: 'exists', values: [] };
      case '=':
      case '==':
        this.next();
        return { key, operator: 'equals', values: [this.parseOptionalValue()] };
      case '!=':
        this.next();
        return { key, operator: 'notEquals', values: [this.parseOptionalValue()] };
      case 'identifier':
        if (operator.text === 'in' || operator.text === 'notin') {
          this.next();
          return { key, operator: operator.text === 'in' ? 'in' : 'notIn', values: this.parseValueList() };
        }
        throw new SelectorError(`found ${quote(operator.text)} after label key ${quote(key)}, expected: ${OPERATOR_EXPECTATION}`);
      default:
        throw unexpected(operator, OPERATOR_EXPECTATION);
    }
  }

  private parseKey(): string {
    const token = this.next();
    if (token.kind !== 'identifier') throw unexpected(token, 'label key');
    return validKey(token.text);
  }

  /** A value after `=`, `==` or `!=`: absent means the empty value. */
  private parseOptionalValue(): string {
    const token = this.peek();
    if (token.kind === 'end' || token.kind === ',') return '';
    this.next();
    if (token.kind !== 'identifier') throw unexpected(token, 'label value, "," or end of selector');
    return validValue(token.text);
  }

  /** `( v1, v2, ... )` after `in`/`notin`; empty entries are the empty value. */
  private parseValueList(): string[] {
    const open = this.next();
    if (open.kind !== '(') throw unexpected(open, '"("');
    const values: string[] = [];
    for (;;) {
      let value = '';
      if (this.peek().kind === 'identifier') value = validValue(this.next().text);
      if (!values.includes(value)) values.push(value);
      const separator = this.next();
      if (separator.kind === ')') return values;
      if (separator.kind !== ',') throw unexpected(separator, 'label value, "," or ")"');
    }
  }

  private peek(): Token {
    return this.tokens[this.position] ?? END;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.position += 1;
    return token;
  }
}

function unexpected(token: Token, expected: string): SelectorError {
  if (token.kind === 'end') return new SelectorError(`unexpected end of selector, expected: ${expected}`);
  return new SelectorError(`found ${quote(token.text)}, expected: ${expected}`);
}

function validKey(key: string): string {
  const problem = labelKeyProblem(key);
  if (problem) throw new SelectorError(`invalid label key ${quote(key)}: ${problem}`);
  return key;
}

function validValue(value: string): string {
  const problem = labelValueProblem(value);
  if (problem) throw new SelectorError(`invalid label value ${quote(value)}: ${problem}`);
  return value;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
