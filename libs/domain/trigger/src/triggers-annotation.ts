import type { Container, KubernetesObject, PodSpec, TagResolver } from './openshift-workloads';

/**
 * The `image.openshift.io/triggers` annotation (image-api.md §7.1): a JSON array, as a string, of
 *
 *   { "from": { "kind": "ImageStreamTag", "name": "<stream>:<tag>", "namespace"?: "<ns>" },
 *     "fieldPath": "<pod spec path>.containers[<sel>].image", "paused"?: false }
 *
 * Field path grammar (the object's own pod spec path first, see `podSpecPathFor`):
 *
 *   fieldPath := podSpecPath "." ("containers" | "initContainers") "[" selector "]" ".image"
 *   selector  := digits                                   (index into that list)
 *              | "?(@.name" ("==" | "=") quoted ")"      (container name, spaces allowed around
 *                                                        the operator; quoted = "x" or 'x')
 *
 * OpenShift ignores an annotation it cannot use (bad JSON, a `"false"` string for `paused`,
 * duplicate field paths) or silently skips single entries (wrong kind, a name without `:`, a
 * path for another kind). We reject all of these with messages that name the entry and field,
 * because a trigger that silently never fires is the worse failure.
 */
export const TRIGGER_ANNOTATION_KEY = 'image.openshift.io/triggers';

export interface AnnotationTrigger {
  from: { kind: 'ImageStreamTag'; name: string; namespace?: string };
  fieldPath: string;
  paused: boolean;
}

export type ParsedTriggersAnnotation = { triggers: AnnotationTrigger[] } | { errors: string[] };

export type ContainerSelector = { index: number } | { name: string };

export interface TriggerFieldPath {
  podSpecPath: string;
  /** `initContainers[...]` rather than `containers[...]`. */
  init: boolean;
  selector: ContainerSelector;
}

export type AnnotationTriggerError = 'unsupported kind' | 'field path is not valid' | 'no such container';

export type ApplyAnnotationTriggerResult<T extends KubernetesObject = KubernetesObject> =
  | { changed: boolean; object: T }
  | { error: AnnotationTriggerError; message: string };

const POD_SPEC_PATHS: Readonly<Record<string, string>> = Object.freeze({
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  ReplicationController: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
  Pod: 'spec',
});

const KNOWN_POD_SPEC_PATHS = ['spec', 'spec.template.spec', 'spec.jobTemplate.spec.template.spec'];
const ENTRY_FIELDS = ['from', 'fieldPath', 'paused'];
const FROM_FIELDS = ['kind', 'name', 'namespace', 'apiVersion'];
// Stream and tag names that can exist at all (image-api.md §6.2, §4.9); anything else would
// name a tag that can never resolve.
const STREAM_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const INDEX_SELECTOR = /^\d+$/;
const NAME_SELECTOR = /^\?\(\s*@\.name\s*==?\s*(?:"([^"]+)"|'([^']+)')\s*\)$/;

/**
 * Where the pod spec sits in an object of this kind, or `undefined` for kinds that cannot carry
 * annotation triggers. DeploymentConfigs and BuildConfigs use their own trigger fields instead.
 */
export function podSpecPathFor(kind: string | undefined): string | undefined {
  return kind !== undefined && Object.prototype.hasOwnProperty.call(POD_SPEC_PATHS, kind) ? POD_SPEC_PATHS[kind] : undefined;
}

/** Splits a field path per the grammar above; the pod spec path is checked against the known ones only. */
export function parseTriggerFieldPath(fieldPath: string): TriggerFieldPath | { error: string } {
  const invalid = (detail: string) => ({ error: `field path is not valid: ${JSON.stringify(fieldPath)}: ${detail}` });
  const list = /^(.*?)\.(containers|initContainers)\[(.*)$/.exec(fieldPath);
  if (!list) {
    return invalid('expected <pod spec path>.containers[<selector>].image or <pod spec path>.initContainers[<selector>].image');
  }
  const [, podSpecPath, listName, afterBracket] = list;
  if (!KNOWN_POD_SPEC_PATHS.includes(podSpecPath)) {
    return invalid(`"${podSpecPath}" is not a pod spec path (one of ${KNOWN_POD_SPEC_PATHS.join(', ')})`);
  }
  const close = afterBracket.indexOf(']');
  if (close === -1) return invalid('the container selector has no closing "]"');
  const selectorText = afterBracket.slice(0, close);
  const rest = afterBracket.slice(close + 1);
  if (rest !== '.image') {
    return invalid(rest === '' ? 'must end in ".image"' : `only the container's image can be triggered, not "${rest.replace(/^\./, '')}"`);
  }
  const selector = parseSelector(selectorText);
  if (!selector) {
    return invalid(`container selector ${JSON.stringify(selectorText)} must be a numeric index or ?(@.name=="<container>")`);
  }
  return { podSpecPath, init: listName === 'initContainers', selector };
}

/**
 * Parses and validates the annotation value. `undefined` (no annotation) is no triggers;
 * an empty array is valid too. Every problem is reported, not just the first.
 */
export function parseTriggersAnnotation(value: string | undefined): ParsedTriggersAnnotation {
  if (value === undefined) return { triggers: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    return { errors: [`annotation ${TRIGGER_ANNOTATION_KEY}: not valid JSON (${(error as Error).message})`] };
  }
  if (!Array.isArray(parsed)) {
    return { errors: [`annotation ${TRIGGER_ANNOTATION_KEY}: must be a JSON array of triggers`] };
  }

  const errors: string[] = [];
  const triggers: AnnotationTrigger[] = [];
  const firstUse = new Map<string, number>();
  parsed.forEach((entry: unknown, index) => {
    const at = `triggers[${index}]`;
    const trigger = parseEntry(entry, at, errors);
    if (!trigger) return;
    const earlier = firstUse.get(trigger.fieldPath);
    if (earlier !== undefined) {
      errors.push(`${at}.fieldPath: duplicate triggers are not allowed (${JSON.stringify(trigger.fieldPath)} is also used by triggers[${earlier}])`);
      return;
    }
    firstUse.set(trigger.fieldPath, index);
    triggers.push(trigger);
  });
  return errors.length > 0 ? { errors } : { triggers };
}

/** The annotation value for these triggers (what `oc set triggers` would write). */
export function formatTriggersAnnotation(triggers: readonly AnnotationTrigger[]): string {
  return JSON.stringify(
    triggers.map((t) => ({
      from: { kind: t.from.kind, name: t.from.name, ...(t.from.namespace ? { namespace: t.from.namespace } : {}) },
      fieldPath: t.fieldPath,
      paused: t.paused,
    })),
  );
}

/**
 * Checks parsed triggers against the object that carries them: the kind must have a pod spec,
 * each path must start with that kind's pod spec path, each selector must find a container in
 * the list it names, and no two triggers may target the same container (e.g. `[0]` and
 * `[?(@.name=="web")]` for the same one). Empty = valid.
 */
export function validateTriggersAgainstObject(object: KubernetesObject, triggers: readonly AnnotationTrigger[]): string[] {
  const expected = podSpecPathFor(object.kind);
  if (expected === undefined) {
    return [`kind ${JSON.stringify(object.kind ?? '')} cannot carry ${TRIGGER_ANNOTATION_KEY} (supported: ${Object.keys(POD_SPEC_PATHS).join(', ')})`];
  }
  const errors: string[] = [];
  const targets = new Map<string, number>();
  triggers.forEach((trigger, index) => {
    const located = locateContainer(object, trigger.fieldPath);
    if ('error' in located) {
      errors.push(`triggers[${index}].fieldPath: ${located.message}`);
      return;
    }
    const key = `${located.init ? 'initContainers' : 'containers'}/${located.position}`;
    const earlier = targets.get(key);
    if (earlier !== undefined) {
      errors.push(`triggers[${index}].fieldPath: targets the same container as triggers[${earlier}] (${JSON.stringify(located.container.name)})`);
      return;
    }
    targets.set(key, index);
  });
  return errors;
}

/**
 * Sets the container image the trigger points at to `resolvedPullSpec`. Never mutates `object`:
 * a changed object is a deep copy, an unchanged one (the container already has that image) is
 * returned as is with `changed: false`. `paused` is the caller's business; this only applies.
 */
export function applyAnnotationTrigger<T extends KubernetesObject>(
  object: T,
  trigger: Pick<AnnotationTrigger, 'fieldPath'>,
  resolvedPullSpec: string,
): ApplyAnnotationTriggerResult<T> {
  const located = locateContainer(object, trigger.fieldPath);
  if ('error' in located) return located;
  if (located.container.image === resolvedPullSpec) return { changed: false, object };
  const copy = structuredClone(object);
  const copied = locateContainer(copy, trigger.fieldPath);
  // The copy has the same shape, so the container is found again at the same place.
  if ('error' in copied) return copied;
  copied.container.image = resolvedPullSpec;
  return { changed: true, object: copy };
}

export interface FiredAnnotationTrigger {
  fieldPath: string;
  from: { namespace: string; name: string };
  image: string;
}

export type AnnotationTriggersEvaluation<T extends KubernetesObject = KubernetesObject> =
  | { changed: boolean; object: T; fired: FiredAnnotationTrigger[] }
  | { errors: string[] };

/**
 * The whole firing rule for one annotated object (§7.2): parse and validate the annotation,
 * then for every unpaused trigger resolve its tag (namespace defaults to the object's) and set
 * the container image when it differs. Tags that do not resolve are skipped silently.
 */
export function evaluateAnnotationTriggers<T extends KubernetesObject>(object: T, resolve: TagResolver): AnnotationTriggersEvaluation<T> {
  const parsed = parseTriggersAnnotation(object.metadata?.annotations?.[TRIGGER_ANNOTATION_KEY]);
  if ('errors' in parsed) return parsed;
  if (parsed.triggers.length === 0) return { changed: false, object, fired: [] };
  const problems = validateTriggersAgainstObject(object, parsed.triggers);
  if (problems.length > 0) return { errors: problems };

  let current = object;
  const fired: FiredAnnotationTrigger[] = [];
  for (const trigger of parsed.triggers) {
    if (trigger.paused) continue;
    const from = { namespace: trigger.from.namespace || object.metadata?.namespace || '', name: trigger.from.name };
    const image = resolve(from);
    if (image === undefined) continue;
    const applied = applyAnnotationTrigger(current, trigger, image);
    if ('error' in applied) return { errors: [applied.message] };
    if (applied.changed) {
      current = applied.object;
      fired.push({ fieldPath: trigger.fieldPath, from, image });
    }
  }
  return { changed: fired.length > 0, object: current, fired };
}

function parseSelector(text: string): ContainerSelector | undefined {
  if (INDEX_SELECTOR.test(text)) {
    const index = Number(text);
    return Number.isSafeInteger(index) ? { index } : undefined;
  }
  const named = NAME_SELECTOR.exec(text);
  if (!named) return undefined;
  return { name: named[1] ?? named[2] };
}

function parseEntry(entry: unknown, at: string, errors: string[]): AnnotationTrigger | undefined {
  if (!isPlainObject(entry)) {
    errors.push(`${at}: must be an object with from, fieldPath and optional paused`);
    return undefined;
  }
  const before = errors.length;
  for (const key of Object.keys(entry)) {
    if (!ENTRY_FIELDS.includes(key)) errors.push(`${at}: unknown field ${JSON.stringify(key)} (allowed: ${ENTRY_FIELDS.join(', ')})`);
  }

  const from = parseFrom(entry['from'], `${at}.from`, errors);

  const fieldPath = entry['fieldPath'];
  if (typeof fieldPath !== 'string' || fieldPath === '') {
    errors.push(`${at}.fieldPath: required, e.g. "spec.template.spec.containers[?(@.name==\\"web\\")].image"`);
  } else {
    const parsedPath = parseTriggerFieldPath(fieldPath);
    if ('error' in parsedPath) errors.push(`${at}.fieldPath: ${parsedPath.error}`);
  }

  const paused = entry['paused'];
  if (paused !== undefined && typeof paused !== 'boolean') {
    errors.push(`${at}.paused: must be a JSON boolean (true or false), got ${JSON.stringify(paused)}`);
  }

  if (errors.length > before || !from || typeof fieldPath !== 'string') return undefined;
  return { from, fieldPath, paused: paused === true };
}

function parseFrom(value: unknown, at: string, errors: string[]): AnnotationTrigger['from'] | undefined {
  if (!isPlainObject(value)) {
    errors.push(`${at}: required object {"kind": "ImageStreamTag", "name": "<stream>:<tag>"}`);
    return undefined;
  }
  const before = errors.length;
  for (const key of Object.keys(value)) {
    if (!FROM_FIELDS.includes(key)) errors.push(`${at}: unknown field ${JSON.stringify(key)} (allowed: ${FROM_FIELDS.join(', ')})`);
  }
  const { kind, name, namespace, apiVersion } = value;
  if (kind !== 'ImageStreamTag') {
    errors.push(`${at}.kind: must be "ImageStreamTag"${kind === undefined ? '' : `, got ${JSON.stringify(kind)}`}`);
  }
  if (typeof name !== 'string') {
    errors.push(`${at}.name: required, of the form "<stream>:<tag>"`);
  } else {
    errors.push(...imageStreamTagNameProblems(name).map((problem) => `${at}.name: ${problem}`));
  }
  if (namespace !== undefined && typeof namespace !== 'string') {
    errors.push(`${at}.namespace: must be a string (omit it for the object's own namespace)`);
  }
  if (apiVersion !== undefined && apiVersion !== '') {
    // OpenShift does not index such an entry, so it would never fire.
    errors.push(`${at}.apiVersion: must be empty or omitted, got ${JSON.stringify(apiVersion)}`);
  }
  if (errors.length > before) return undefined;
  return {
    kind: 'ImageStreamTag',
    name: name as string,
    ...(typeof namespace === 'string' && namespace !== '' ? { namespace } : {}),
  };
}

function imageStreamTagNameProblems(name: string): string[] {
  const parts = name.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    return [`must be of the form "<stream>:<tag>", got ${JSON.stringify(name)}`];
  }
  const problems: string[] = [];
  if (!STREAM_NAME.test(parts[0])) problems.push(`stream name ${JSON.stringify(parts[0])} must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"`);
  if (!TAG_NAME.test(parts[1])) problems.push(`tag ${JSON.stringify(parts[1])} must match "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"`);
  return problems;
}

type LocatedContainer =
  | { container: Container; init: boolean; position: number }
  | { error: AnnotationTriggerError; message: string };

// Finds the container a field path names in this object, checking the path against the
// object's kind. Returns a reference into `object` (callers copy before writing).
function locateContainer(object: KubernetesObject, fieldPath: string): LocatedContainer {
  const expected = podSpecPathFor(object.kind);
  if (expected === undefined) {
    return { error: 'unsupported kind', message: `kind ${JSON.stringify(object.kind ?? '')} has no pod spec that triggers can update` };
  }
  const parsed = parseTriggerFieldPath(fieldPath);
  if ('error' in parsed) return { error: 'field path is not valid', message: parsed.error };
  if (parsed.podSpecPath !== expected) {
    return {
      error: 'field path is not valid',
      message: `field path is not valid: ${JSON.stringify(fieldPath)}: a ${object.kind}'s pod spec is at "${expected}", not "${parsed.podSpecPath}"`,
    };
  }
  const spec = getPath(object, expected.split('.'));
  const list = isPlainObject(spec) ? (spec as PodSpec)[parsed.init ? 'initContainers' : 'containers'] : undefined;
  const containers = Array.isArray(list) ? list : [];
  const position =
    'index' in parsed.selector
      ? parsed.selector.index < containers.length
        ? parsed.selector.index
        : -1
      : containers.findIndex((c) => isPlainObject(c) && c.name === (parsed.selector as { name: string }).name);
  const container = position >= 0 ? containers[position] : undefined;
  if (!isPlainObject(container)) {
    const listName = parsed.init ? 'initContainers' : 'containers';
    const which = 'index' in parsed.selector ? `index ${parsed.selector.index}` : `name ${JSON.stringify(parsed.selector.name)}`;
    return { error: 'no such container', message: `no such container: ${listName} has no container with ${which} (${JSON.stringify(fieldPath)})` };
  }
  return { container: container as Container, init: parsed.init, position };
}

function getPath(object: unknown, segments: string[]): unknown {
  let current = object;
  for (const segment of segments) {
    if (!isPlainObject(current)) return undefined;
    current = current[segment];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
