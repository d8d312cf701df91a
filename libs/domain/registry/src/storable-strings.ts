/**
 * A copy of a JSON value that Postgres can store: every NUL character in its strings, keys
 * included, becomes U+FFFD. Image configs and manifest annotations may hold NUL (JSON allows the
 * escape `\u0000`), but text and jsonb columns cannot. The blobs themselves stay byte for byte
 * what was pushed; only what is derived from them for the API loses the NUL.
 */
export function withoutNul<T>(value: T): T {
  return replaceNul(value) as T;
}

function replaceNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
  if (Array.isArray(value)) return value.map(replaceNul);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [replaceNul(key) as string, replaceNul(entry)]));
  }
  return value;
}
