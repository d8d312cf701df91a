/**
 * Kubernetes' rules for the keys and values of `metadata.labels` and `metadata.annotations`, shared
 * by label selectors (which must name valid labels) and by every write of an object's metadata.
 * Each check returns the problem in words, or undefined when the input is valid.
 */

const NAME_MAX_LENGTH = 63;
const PREFIX_MAX_LENGTH = 253;
const NAME_PATTERN = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN_PATTERN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const NAME_FORM = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
/** Kubernetes caps the annotations of one object at 256 KiB, keys and values together. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** A label or annotation key: a name, optionally prefixed by a DNS subdomain and "/". */
export function labelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'must be a name optionally prefixed by a DNS subdomain and "/"';
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix === '') return 'prefix part must not be empty';
    if (prefix.length > PREFIX_MAX_LENGTH) return `prefix part must be no more than ${PREFIX_MAX_LENGTH} characters`;
    if (!DNS_SUBDOMAIN_PATTERN.test(prefix)) {
      return "prefix part must be a lowercase DNS subdomain (alphanumerics, '-' and '.', starting and ending with an alphanumeric)";
    }
  }
  if (name === '') return 'name part must not be empty';
  if (name.length > NAME_MAX_LENGTH) return `name part must be no more than ${NAME_MAX_LENGTH} characters`;
  if (!NAME_PATTERN.test(name)) return `name part ${NAME_FORM}`;
  return undefined;
}

/** A label value: empty, or a name of at most 63 characters. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length > NAME_MAX_LENGTH) return `must be no more than ${NAME_MAX_LENGTH} characters`;
  if (value !== '' && !NAME_PATTERN.test(value)) return NAME_FORM;
  return undefined;
}

const isMap = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const quote = (text: string) => JSON.stringify(text);

/**
 * What is wrong with the entries of a map that must hold strings: per entry, a key that breaks
 * `keyRule`, a value that is not a string, or a string value that breaks `valueRule`.
 */
function mapProblems(map: Record<string, unknown>, keyRule?: (key: string) => string | undefined, valueRule?: (value: string) => string | undefined): string[] {
  return Object.entries(map).flatMap(([key, value]) => {
    const keyProblem = keyRule?.(key);
    const valueProblem = typeof value === 'string' ? valueRule?.(value) : 'must be a string';
    return [...(keyProblem ? [`key ${quote(key)}: ${keyProblem}`] : []), ...(valueProblem ? [`value of ${quote(key)}: ${valueProblem}`] : [])];
  });
}

/**
 * What is wrong with `metadata.labels` as sent: it must map valid keys to valid label values
 * (strings). Typed clients (kubectl, client-go) cannot even decode an object whose labels hold a
 * number, so such a write is refused rather than stored.
 */
export function labelsProblems(labels: unknown): string[] {
  return isMap(labels) ? mapProblems(labels, labelKeyProblem, labelValueProblem) : ['must map label keys to string values'];
}

/** What is wrong with `metadata.annotations` as sent: valid keys, string values, 256 KiB in all. */
export function annotationsProblems(annotations: unknown): string[] {
  if (!isMap(annotations)) return ['must map annotation keys to string values'];
  const problems = mapProblems(annotations, labelKeyProblem);
  const bytes = Object.entries(annotations).reduce((sum, [key, value]) => sum + (typeof value === 'string' ? Buffer.byteLength(key) + Buffer.byteLength(value) : 0), 0);
  if (bytes > ANNOTATIONS_MAX_BYTES) problems.push(`may not be more than ${ANNOTATIONS_MAX_BYTES} bytes in all, keys and values (got ${bytes})`);
  return problems;
}

/** What is wrong with a map of strings whose keys follow no rule (an image stream tag's annotations). */
export function stringMapProblems(map: unknown): string[] {
  return isMap(map) ? mapProblems(map) : ['must map keys to string values'];
}

/** The rule for each map of an object's metadata, for callers that check both by field name. */
export const METADATA_MAP_RULES = { labels: labelsProblems, annotations: annotationsProblems } as const;
