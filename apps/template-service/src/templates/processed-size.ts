/**
 * An upper bound, in bytes, of the processed template's JSON, computed before processing: a
 * parameter referenced many times multiplies its value, and template labels are copied into every
 * object, so a small template can ask for gigabytes. Bounding it first answers such a template
 * with 413 instead of building the result in memory.
 *
 * Every `${NAME}` or `${{NAME}}` in the template's JSON text adds at most its longest possible
 * value, JSON-escaped: a given value (supplied or default) as it is, a generated one at most
 * 255 characters per `{n}` of its expression, each escaped to at most two bytes. The template
 * labels (substituted the same way) are added once per object, plus some bytes per object for
 * the `metadata.labels` members and API groups processing may add, and every parameter's value
 * once more (the answer lists the values used).
 */
const REFERENCE = /\$\{\{?([a-zA-Z0-9_]+)\}?\}/g;
const MAX_GENERATED_RUN = 255;
const PER_OBJECT_SLACK = 64;
/** `,"value":""` on a parameter that had none. */
const PER_VALUE_SLACK = 16;
/** `kind`, `apiVersion` and `metadata.namespace` (a namespace has at most 63 characters) the answer may add. */
const TEMPLATE_SLACK = 256;
/** `${{N}}` re-serializes a parsed number, which can be longer than its text: `1e20` is 21 digits. */
const MIN_VALUE_BOUND = 24;

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function processedSizeBound(template: Record<string, unknown>, suppliedValues: Readonly<Record<string, string>> = {}): number {
  const longest = longestValues(template.parameters, suppliedValues);
  const objects = Array.isArray(template.objects) ? template.objects.length : 0;
  const labels = template.labels == null ? 0 : substitutedBound(JSON.stringify(template.labels), longest);
  // The answer's parameters carry their final values, once each.
  const names = (Array.isArray(template.parameters) ? template.parameters : []).map((parameter: unknown) => (isJsonObject(parameter) ? parameter.name : undefined));
  const values = names.reduce<number>((sum, name) => sum + (typeof name === 'string' ? (longest.get(name) ?? 0) : 0) + PER_VALUE_SLACK, 0);
  return substitutedBound(JSON.stringify(template), longest) + values + objects * (labels + PER_OBJECT_SLACK) + TEMPLATE_SLACK;
}

function substitutedBound(json: string, longest: ReadonlyMap<string, number>): number {
  let bytes = Buffer.byteLength(json);
  for (const match of json.matchAll(REFERENCE)) bytes += longest.get(match[1]) ?? 0;
  return bytes;
}

/** Longest JSON-escaped byte length each parameter's value can have. */
function longestValues(parameters: unknown, supplied: Readonly<Record<string, string>>): Map<string, number> {
  const longest = new Map<string, number>();
  const raise = (name: string, bytes: number) => longest.set(name, Math.max(longest.get(name) ?? 0, bytes, MIN_VALUE_BOUND));
  for (const parameter of Array.isArray(parameters) ? parameters : []) {
    if (!isJsonObject(parameter) || typeof parameter.name !== 'string') continue;
    const { value, generate, from } = parameter;
    if (typeof value === 'string' && value !== '') raise(parameter.name, escapedBytes(value));
    else if (generate != null && typeof from === 'string') raise(parameter.name, Buffer.byteLength(from) + 2 * MAX_GENERATED_RUN * (from.split('{').length - 1));
  }
  for (const [name, value] of Object.entries(supplied)) raise(name, escapedBytes(value));
  return longest;
}

function escapedBytes(value: string): number {
  return Buffer.byteLength(JSON.stringify(value)) - 2;
}
