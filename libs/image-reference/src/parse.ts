import { findDigestProblem } from './digest';
import { isRegistryComponent, NAME_MAX_LENGTH, NAME_PATTERN, PATH_PATTERN, TAG_PATTERN } from './grammar';
import { InvalidReferenceCode, InvalidReferenceError } from './invalid-reference-error';
import { ParsedReference } from './reference';

export type ParseReferenceResult =
  | { ok: true; value: ParsedReference }
  | { ok: false; error: InvalidReferenceError };

/**
 * Strict parse: the reference is split exactly as written, with no registry, `library/` or
 * `latest` added (see `normalizeReference` for that). Throws `InvalidReferenceError`.
 */
export function parseReference(input: string): ParsedReference {
  const result = tryParseReference(input);
  if (!result.ok) throw result.error;
  return result.value;
}

/** Like `parseReference`, but reports an invalid reference as a value instead of throwing. */
export function tryParseReference(input: string): ParseReferenceResult {
  // Callers pass request bodies through here, so a non-string must fail cleanly, not crash.
  if (typeof input !== 'string') return failure('INVALID_FORMAT', String(input));
  if (input === '') return failure('NAME_EMPTY', input);

  const parts = splitReference(input);
  if (!parts) return failure('INVALID_FORMAT', input);
  const { name, tag, digest } = parts;

  // Name, then length, then digest is distribution/reference's order. Unlike it, a bad tag or
  // a too-short digest gets its own code instead of the generic "invalid reference format",
  // because that tells the user which part to fix.
  if (!NAME_PATTERN.test(name)) {
    return failure(NAME_PATTERN.test(name.toLowerCase()) ? 'NAME_CONTAINS_UPPERCASE' : 'INVALID_FORMAT', input);
  }
  if (name.length > NAME_MAX_LENGTH) return failure('NAME_TOO_LONG', input);
  if (tag !== undefined && !TAG_PATTERN.test(tag)) return failure('TAG_INVALID', input);
  if (digest !== undefined) {
    const problem = findDigestProblem(digest);
    if (problem) return failure(problem.code, input, problem.message);
  }

  const slash = name.indexOf('/');
  const hasRegistry = slash > 0 && isRegistryComponent(name.slice(0, slash));
  const repository = hasRegistry ? name.slice(slash + 1) : name;
  // The grammar lets a first component such as `Foo` through as a host name, but without a
  // `.`, `:` or `localhost` it is not a registry, so it is a path component and must be lowercase.
  if (!PATH_PATTERN.test(repository)) return failure('NAME_CONTAINS_UPPERCASE', input);

  const value: ParsedReference = { repository, name };
  if (hasRegistry) value.registry = name.slice(0, slash);
  if (tag !== undefined) value.tag = tag;
  if (digest !== undefined) value.digest = digest;
  return { ok: true, value };
}

interface ReferenceSplit {
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Cuts `name[:tag][@digest]` apart without judging the pieces. Unambiguous because a name may
 * hold `:` only in a registry port, which is always followed by `/`, and no part but the
 * separator holds `@`. Returns `undefined` when there is no name at all (`:tag`, `@digest`)
 * or more than one `@`.
 */
function splitReference(input: string): ReferenceSplit | undefined {
  const at = input.indexOf('@');
  const beforeDigest = at < 0 ? input : input.slice(0, at);
  const digest = at < 0 ? undefined : input.slice(at + 1);
  if (digest?.includes('@')) return undefined;

  const colon = beforeDigest.indexOf(':', beforeDigest.lastIndexOf('/') + 1);
  const name = colon < 0 ? beforeDigest : beforeDigest.slice(0, colon);
  if (name === '') return undefined;

  const split: ReferenceSplit = { name };
  if (colon >= 0) split.tag = beforeDigest.slice(colon + 1);
  if (digest !== undefined) split.digest = digest;
  return split;
}

function failure(code: InvalidReferenceCode, input: string, message?: string): ParseReferenceResult {
  return { ok: false, error: new InvalidReferenceError(code, input, message) };
}
