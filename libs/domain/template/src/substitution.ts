import { MAX_OBJECT_DEPTH } from './limits';
import { JsonDepthError, parseJsonLosslessly, setOwnProperty } from './lossless-json';
import type { JsonObject, JsonValue } from './types';

/** Parameter name → value; for duplicated names the last definition is the one in here. */
export type ParameterValueMap = ReadonlyMap<string, string>;

const STRING_REFERENCE = /\$\{([a-zA-Z0-9_]+)\}/g;
const ANY_STRING_REFERENCE = /\$\{[a-zA-Z0-9_]+\}/;
const WHOLE_VALUE_REFERENCE = /^\$\{\{([a-zA-Z0-9_]+)\}\}$/;

/** A `${{NAME}}` value that cannot go where it was written (a map key, or too deep a value). */
export class SubstitutionError extends Error {
  constructor(
    readonly badValue: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'SubstitutionError';
  }
}

/** An object (or an object a `${{NAME}}` value would create) nests deeper than `maxDepth`. */
export class ObjectDepthError extends Error {
  constructor(readonly maxDepth: number) {
    super(`nested deeper than ${maxDepth} levels`);
    this.name = 'ObjectDepthError';
  }
}

/** Whether `text` holds at least one `${NAME}`, known or not. */
export function hasStringReference(text: string): boolean {
  return ANY_STRING_REFERENCE.test(text);
}

/**
 * Replaces each `${NAME}` whose NAME is a parameter with its value; unknown names stay literal
 * and nothing is expanded twice over (a value `${B}` stays `${B}`).
 *
 * OpenShift finds the references in the original text and then replaces each one's *first
 * occurrence in the text as modified so far*, so a value that looks like a later reference can
 * be hit instead of the reference itself (`REF=${B}`, `B=b`: `${REF}-${B}` → `b-${B}`). That is
 * kept on purpose: templates are processed identically here and on OpenShift.
 */
export function substituteString(text: string, values: ParameterValueMap): string {
  if (!text.includes('${')) return text;
  let result = text;
  for (const [reference, name] of text.matchAll(STRING_REFERENCE)) {
    const value = values.get(name);
    if (value === undefined) continue;
    const at = result.indexOf(reference);
    if (at >= 0) result = result.slice(0, at) + value + result.slice(at + reference.length);
  }
  return result;
}

/** The raw value when the whole of `text` is `${{NAME}}` and NAME is a parameter. */
export function wholeValueReference(text: string, values: ParameterValueMap): string | undefined {
  if (!text.startsWith('${{')) return undefined;
  const match = WHOLE_VALUE_REFERENCE.exec(text);
  return match ? values.get(match[1]) : undefined;
}

/**
 * Substitution where only strings can result (`message`, template `labels`): an exact
 * `${{NAME}}` is replaced by the raw value, unparsed; anything else follows `${NAME}` rules.
 */
export function substituteText(text: string, values: ParameterValueMap): string {
  return wholeValueReference(text, values) ?? substituteString(text, values);
}

/**
 * A copy of `object` with every string substituted, map keys included. An exact `${{NAME}}`
 * becomes the value parsed as JSON (the raw text when it is not JSON); a JSON `null` removes a
 * map member, as in OpenShift, and stays `null` in a list (where OpenShift crashes).
 * Throws `SubstitutionError` and `ObjectDepthError`.
 */
export function substituteInObject(object: JsonObject, values: ParameterValueMap, maxDepth: number = MAX_OBJECT_DEPTH): JsonObject {
  return new ObjectSubstitution(values, maxDepth).object(object, 1);
}

const REMOVE_MEMBER = Symbol('remove member');

class ObjectSubstitution {
  constructor(
    private readonly values: ParameterValueMap,
    private readonly maxDepth: number,
  ) {}

  object(source: JsonObject, depth: number): JsonObject {
    if (depth > this.maxDepth) throw new ObjectDepthError(this.maxDepth);
    const result: JsonObject = {};
    // Members are rebuilt in order, so when two keys substitute to the same name the later one
    // wins (OpenShift's map iteration makes that case random).
    for (const [key, member] of Object.entries(source)) {
      const value = this.value(member, depth);
      if (value !== REMOVE_MEMBER) setOwnProperty(result, this.key(key), value);
    }
    return result;
  }

  private value(source: JsonValue, depth: number): JsonValue | typeof REMOVE_MEMBER {
    if (typeof source === 'string') {
      const raw = wholeValueReference(source, this.values);
      if (raw === undefined) return substituteString(source, this.values);
      const parsed = this.parseWholeValue(source, raw, depth);
      return parsed === null ? REMOVE_MEMBER : parsed;
    }
    if (Array.isArray(source)) return this.array(source, depth + 1);
    if (source !== null && typeof source === 'object') return this.object(source, depth + 1);
    return source;
  }

  private array(source: JsonValue[], depth: number): JsonValue[] {
    if (depth > this.maxDepth) throw new ObjectDepthError(this.maxDepth);
    return source.map((item) => {
      const value = this.value(item, depth);
      return value === REMOVE_MEMBER ? null : value;
    });
  }

  private key(key: string): string {
    const raw = wholeValueReference(key, this.values);
    if (raw === undefined) return substituteString(key, this.values);
    let parsed: JsonValue;
    try {
      parsed = parseJsonLosslessly(raw);
    } catch {
      return raw;
    }
    if (typeof parsed === 'string') return parsed;
    // OpenShift panics here (a number cannot be a Go map key); a clear error is the contract.
    throw new SubstitutionError(key, `the value of ${key.slice(3, -2)} is JSON ${describeJsonType(parsed)}, and a map key can only be a string`);
  }

  private parseWholeValue(reference: string, raw: string, depth: number): JsonValue {
    try {
      // The value lands inside a container at `depth`, so it may nest only what is left.
      return parseJsonLosslessly(raw, this.maxDepth - depth);
    } catch (error) {
      if (error instanceof JsonDepthError) {
        throw new SubstitutionError(reference, `the value of ${reference.slice(3, -2)} would nest the object deeper than ${this.maxDepth} levels`);
      }
      return raw;
    }
  }
}

function describeJsonType(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'bigint') return 'number';
  return typeof value === 'object' ? 'object' : typeof value;
}
