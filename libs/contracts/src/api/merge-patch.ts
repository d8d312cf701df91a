// A maintained npm package would be preferred, but none is installed and this lib must stay dependency-free.

/**
 * Applies an RFC 7386 JSON Merge Patch (`application/merge-patch+json`), as `kubectl patch
 * --type merge` sends it:
 * - a patch that is not an object (array, string, number, boolean, null) replaces the target;
 * - an object patch is merged into the target, a non-object target being treated as `{}`:
 *   `null` members delete the key, object members merge recursively, anything else replaces.
 * So arrays are always replaced whole: there is no way to patch one list element.
 *
 * Never mutates `target` or `patch`. Members the patch does not mention are shared with
 * `target`; everything taken from the patch is copied, so the result never aliases the request.
 * `undefined` members (not JSON, but possible from code) are skipped, like `JSON.stringify` does.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return copyJson(patch);
  const result: Record<string, unknown> = {};
  const base = isJsonObject(target) ? target : {};
  for (const key of Object.keys(base)) setOwn(result, key, base[key]);
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else setOwn(result, key, applyMergePatch(ownValue(result, key), value));
  }
  return result;
}

/**
 * Defines `key` as an own data property. Plain assignment of `__proto__` (a legal JSON key,
 * which `JSON.parse` keeps as an ordinary member) would instead change the result's prototype.
 */
function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `object[key]` if it is an own member; never an inherited one such as `Object.prototype` for `__proto__`. */
function ownValue(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

function copyJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyJson);
  if (isJsonObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) setOwn(copy, key, copyJson(value[key]));
    return copy;
  }
  return value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
