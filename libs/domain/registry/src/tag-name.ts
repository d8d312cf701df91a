// The distribution spec's tag grammar. Anything longer or with other characters could not be
// pulled back by name, so such a tag is refused at push time.
const TAG_NAME_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;

/** True when `value` may be used as a tag in `/v2/<name>/manifests/<tag>`. */
export function isOciTagName(value: unknown): value is string {
  return typeof value === 'string' && TAG_NAME_PATTERN.test(value);
}
