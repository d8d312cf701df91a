/** Where a value sits in a JSON document: object keys and array indexes, outermost first. */
export type JsonPath = (string | number)[];

export interface Mutation {
  path: JsonPath;
  value: unknown;
  body: unknown;
}

/**
 * Values of other JSON types for a value, plus the awkward ones of its own type that validation
 * tends to miss (an array of the wrong elements, a number no integer column holds).
 */
function replacementsFor(value: unknown): unknown[] {
  if (value === null) return ['x', 7, {}, []];
  if (Array.isArray(value)) return [{}, 'x', 7, null, [7], [[]]];
  switch (typeof value) {
    case 'object':
      return [[], 'x', 7, null, [{}]];
    case 'string':
      return [7, true, [], {}, null, ['x']];
    case 'number':
      return ['7', true, [], {}, null, 1e21, -1, 1.5];
    case 'boolean':
      return ['true', 1, [], {}, null];
    default:
      return [];
  }
}

function withValueAt(document: unknown, path: JsonPath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(document)) return document.map((element, index) => (index === head ? withValueAt(element, rest, value) : element));
  const object = document as Record<string, unknown>;
  return { ...object, [head]: withValueAt(object[head as string], rest, value) };
}

/** Every place in `document`, the document itself first; of an array only its first element is walked (the others are alike). */
function* pathsOf(document: unknown, path: JsonPath = []): Generator<{ path: JsonPath; value: unknown }> {
  yield { path, value: document };
  if (Array.isArray(document)) {
    if (document.length) yield* pathsOf(document[0], [...path, 0]);
  } else if (document !== null && typeof document === 'object') {
    for (const [key, value] of Object.entries(document)) yield* pathsOf(value, [...path, key]);
  }
}

/** Each value of `document` swapped, one at a time, for each of its replacements. */
export function* shapeMutations(document: unknown): Generator<Mutation> {
  for (const { path, value } of pathsOf(document)) {
    for (const replacement of replacementsFor(value)) yield { path, value: replacement, body: withValueAt(document, path, replacement) };
  }
}

export function describePath(path: JsonPath): string {
  return path.length ? path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('') : '(the body)';
}

/**
 * Checks every item, `concurrency` at a time, and returns a line for each `check` finds fault
 * with: the item as `describe` names it, then the fault.
 */
export async function problemsOf<I>(items: readonly I[], check: (item: I) => Promise<string | undefined>, describe: (item: I) => string, concurrency: number): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      const problem = await check(item);
      if (problem !== undefined) problems.push(`${describe(item)} → ${problem}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return problems;
}

/** Sends every mutation and returns a line for each answer `problem` finds fault with: where the value was swapped, for what, and what came back. */
export function answersToMutations<T>(mutations: readonly Mutation[], send: (mutation: Mutation) => Promise<T>, problem: (answer: T) => string | undefined, concurrency: number): Promise<string[]> {
  return problemsOf(mutations, async (mutation) => problem(await send(mutation)), (mutation) => `${describePath(mutation.path)} = ${JSON.stringify(mutation.value)}`, concurrency);
}
