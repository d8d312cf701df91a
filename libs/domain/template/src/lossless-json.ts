import { MAX_OBJECT_DEPTH } from './limits';
import type { JsonObject, JsonValue } from './types';

/** The text nests objects/arrays deeper than allowed. */
export class JsonDepthError extends Error {
  constructor(readonly maxDepth: number) {
    super(`nested deeper than ${maxDepth} levels`);
    this.name = 'JsonDepthError';
  }
}

/**
 * `JSON.parse`, except that an integer literal beyond Number.MAX_SAFE_INTEGER becomes a
 * `bigint` with every digit kept. OpenShift parses `${{NAME}}` values as float64 and silently
 * rounds `9223372036854775807`; imagestreams promises exact integers. Literals with a fraction or
 * exponent stay floating point (`1e3` → 1000), as in OpenShift. Throws `SyntaxError` for invalid
 * JSON and `JsonDepthError` past `maxDepth` levels of objects/arrays.
 */
export function parseJsonLosslessly(text: string, maxDepth: number = MAX_OBJECT_DEPTH): JsonValue {
  const parser = new LosslessParser(text, maxDepth);
  parser.skipWhitespace();
  const value = parser.parseValue(0);
  parser.skipWhitespace();
  if (!parser.atEnd()) parser.fail('unexpected text after the JSON value');
  return value;
}

/**
 * `JSON.stringify` (compact) that writes `bigint` as its exact digits. Throws `JsonDepthError`
 * past `maxDepth` levels instead of overflowing the stack.
 */
export function stringifyJson(value: JsonValue, maxDepth: number = MAX_OBJECT_DEPTH): string {
  return stringifyAt(value, 1, maxDepth);
}

/** Whether `value` nests objects/arrays deeper than `maxDepth` (checked without deep recursion past it). */
export function nestingExceeds(value: unknown, maxDepth: number, depth = 1): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (depth > maxDepth) return true;
  const members: unknown[] = Array.isArray(value) ? value : Object.values(value);
  return members.some((member) => nestingExceeds(member, maxDepth, depth + 1));
}

/** Sets an own property even for the key `__proto__`, which plain assignment would treat as the prototype. */
export function setOwnProperty(target: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function stringifyAt(value: JsonValue, depth: number, maxDepth: number): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (depth > maxDepth) throw new JsonDepthError(maxDepth);
  if (Array.isArray(value)) return `[${value.map((item) => stringifyAt(item, depth + 1, maxDepth)).join(',')}]`;
  const members: string[] = [];
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${stringifyAt(member, depth + 1, maxDepth)}`);
  }
  return `{${members.join(',')}}`;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const LITERALS: ReadonlyArray<readonly [string, JsonValue]> = [
  ['true', true],
  ['false', false],
  ['null', null],
];

class LosslessParser {
  private position = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(problem: string): never {
    throw new SyntaxError(`invalid JSON at position ${this.position}: ${problem}`);
  }

  skipWhitespace(): void {
    while (this.position < this.text.length) {
      const char = this.text[this.position];
      if (char !== ' ' && char !== '\t' && char !== '\n' && char !== '\r') return;
      this.position++;
    }
  }

  parseValue(depth: number): JsonValue {
    const char = this.text[this.position];
    if (char === '{') return this.parseObject(depth + 1);
    if (char === '[') return this.parseArray(depth + 1);
    if (char === '"') return this.parseString();
    if (char === '-' || (char >= '0' && char <= '9')) return this.parseNumber();
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    return this.fail(char === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(char)}`);
  }

  private parseObject(depth: number): JsonObject {
    if (depth > this.maxDepth) throw new JsonDepthError(this.maxDepth);
    const result: JsonObject = {};
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') this.fail('expected a member name');
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.fail('expected ":"');
      this.position++;
      this.skipWhitespace();
      setOwnProperty(result, key, this.parseValue(depth));
      this.skipWhitespace();
      const next = this.text[this.position++];
      if (next === '}') return result;
      if (next !== ',') this.fail('expected "," or "}"');
    }
  }

  private parseArray(depth: number): JsonValue[] {
    if (depth > this.maxDepth) throw new JsonDepthError(this.maxDepth);
    const result: JsonValue[] = [];
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === ']') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      result.push(this.parseValue(depth));
      this.skipWhitespace();
      const next = this.text[this.position++];
      if (next === ']') return result;
      if (next !== ',') this.fail('expected "," or "]"');
    }
  }

  // Finds the closing quote, then lets JSON.parse decode and validate the escapes.
  private parseString(): string {
    const start = this.position;
    let index = start + 1;
    while (index < this.text.length) {
      const char = this.text[index];
      if (char === '"') {
        this.position = index + 1;
        return JSON.parse(this.text.slice(start, index + 1)) as string;
      }
      index += char === '\\' ? 2 : 1;
    }
    return this.fail('unterminated string');
  }

  private parseNumber(): number | bigint {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (!match) return this.fail('invalid number');
    this.position += match[0].length;
    const isInteger = match[1] === undefined && match[2] === undefined;
    const asNumber = Number(match[0]);
    return isInteger && !Number.isSafeInteger(asNumber) ? BigInt(match[0]) : asNumber;
  }
}
