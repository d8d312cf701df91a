import { tryParseReference } from '@imagestreams/image-reference';
import { jsonEqual } from './json-equal';

export type ObjectReferenceKind = 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';

/** `spec.tags[].from`: where a tag takes its image from. */
export interface ObjectReference {
  kind: ObjectReferenceKind;
  /** A pull spec (DockerImage), `[<stream>:]<tag>` (ImageStreamTag) or `[<stream>@]<id>` (ImageStreamImage). */
  name: string;
  /** Only meaningful for ImageStreamTag/ImageStreamImage; empty means the stream's own namespace. */
  namespace?: string;
}

export type TagImportMode = 'Legacy' | 'PreserveOriginal';
export type TagReferencePolicyType = 'Source' | 'Local';

export interface TagImportPolicy {
  insecure?: boolean;
  scheduled?: boolean;
  importMode?: TagImportMode;
}

export interface TagReferencePolicy {
  type: TagReferencePolicyType;
}

/** One entry of `spec.tags` (OpenShift's TagReference). */
export interface SpecTag {
  name: string;
  /** Serialized even when null, as in OpenShift. */
  annotations: Record<string, string> | null;
  from?: ObjectReference;
  /** `true`: the tag only points at `from.name`, nothing is imported. */
  reference?: boolean;
  /** The user-intent counter of §4.1; serialized even when null. */
  generation: number | null;
  importPolicy?: TagImportPolicy;
  referencePolicy?: TagReferencePolicy;
}

/** A spec tag as a client may send it: annotations and generation may be left out. */
export type SpecTagInput = Omit<SpecTag, 'annotations' | 'generation'> & {
  annotations?: Record<string, string> | null;
  generation?: number | null;
};

export interface SpecTagError {
  /** Kubernetes field path, map keys in brackets: `spec.tags[latest].from.name`. */
  field: string;
  message: string;
}

export interface AssignTagGenerationsResult {
  /** `newTags` in the same order, each a new object with its generation settled. */
  tags: SpecTag[];
  /** Names of the tags whose `from` must be resolved (imported, copied or pointed at) now. */
  changed: string[];
}

export const DEFAULT_IMPORT_MODE: TagImportMode = 'Legacy';
export const DEFAULT_REFERENCE_POLICY_TYPE: TagReferencePolicyType = 'Source';

const OBJECT_REFERENCE_KINDS: readonly string[] = ['DockerImage', 'ImageStreamImage', 'ImageStreamTag'];
const REFERENCE_POLICY_TYPES: readonly string[] = ['Source', 'Local'];
// '' is valid because it means "the default" and is filled in by applySpecDefaults.
const IMPORT_MODES: readonly string[] = ['', 'Legacy', 'PreserveOriginal'];

/** The docker tag grammar: a registry push of any other name fails, so such a tag is unusable. */
export const TAG_NAME_PATTERN = /^[\w][\w.-]{0,127}$/;

/**
 * What the server fills in on decode, so every read shows the same shape: `referencePolicy.type`
 * `Source`, `importPolicy.importMode` the cluster default (`Legacy` unless configured otherwise),
 * `annotations` and `generation` null when absent. Empty strings count as absent, as in Go.
 * Returns a new tag; nested objects are copied, so the result can be changed freely.
 */
export function applySpecDefaults(tag: SpecTagInput, defaultImportMode: TagImportMode = DEFAULT_IMPORT_MODE): SpecTag {
  const result: SpecTag = {
    ...tag,
    annotations: tag.annotations == null ? null : { ...tag.annotations },
    generation: tag.generation ?? null,
    importPolicy: { ...tag.importPolicy, importMode: tag.importPolicy?.importMode || defaultImportMode },
    referencePolicy: { ...tag.referencePolicy, type: tag.referencePolicy?.type || DEFAULT_REFERENCE_POLICY_TYPE },
  };
  if (tag.from !== undefined) result.from = { ...tag.from };
  return result;
}

/**
 * `metadata.generation` after a spec write: +1 when the spec differs in any way (deep compare,
 * object key order irrelevant) or when the stored generation is 0 (an object written before
 * generations existed); otherwise unchanged. Status writes must not call this.
 *
 * Arrays compare in order. OpenShift keeps `spec.tags` as a map, so merely reordering tags does
 * not bump its generation: pass tags sorted by name (as they are served) to get the same result.
 */
export function nextStreamGeneration(oldGeneration: number, oldSpec: unknown, newSpec: unknown): number {
  if (!Number.isInteger(oldGeneration) || oldGeneration < 0) {
    throw new RangeError(`stream generation must be a non-negative integer, got ${oldGeneration}`);
  }
  if (oldGeneration === 0 || !jsonEqual(oldSpec, newSpec)) return oldGeneration + 1;
  return oldGeneration;
}

/**
 * Settles `spec.tags[].generation` for a create (`oldTags` undefined) or an update, and names the
 * tags whose `from` must be resolved now (§4.1, §4.2). `streamGeneration` is the stream's
 * generation after this write (see `nextStreamGeneration`).
 *
 * - Create: every tag gets `streamGeneration`; every tag with a `from` is changed.
 * - Update: clients cannot pick a generation. An existing tag keeps its stored value whatever was
 *   sent (`null` included, so legacy clients do not disturb it), unless exactly `0` was sent:
 *   that is the documented "import again" request. Then tags that are new, changed, or whose
 *   generation is still 0/null get `streamGeneration`.
 * - A tag is changed only when its `from` (namespace defaulted to `streamNamespace`, and name),
 *   `reference` or `importPolicy.importMode` differ, or 0 was sent over a stored non-zero
 *   value. Editing only `scheduled`, `insecure`, `referencePolicy` or annotations is not a
 *   change: nothing needs importing again, although the stream generation still moves.
 * - A tag without `from` is never changed (there is nothing to resolve), as in OpenShift.
 * - `changed` lists tags with a `from` that are new, changed, or were sent with generation 0.
 *
 * Pass tags after `applySpecDefaults`; a missing importMode is read as `Legacy`. Inputs are
 * never mutated.
 */
export function assignTagGenerations(
  oldTags: readonly SpecTag[] | undefined,
  newTags: readonly SpecTag[],
  streamGeneration: number,
  streamNamespace: string,
): AssignTagGenerationsResult {
  if (!Number.isInteger(streamGeneration) || streamGeneration < 1) {
    throw new RangeError(`stream generation must be a positive integer, got ${streamGeneration}`);
  }
  if (oldTags === undefined) {
    return {
      tags: newTags.map((tag) => ({ ...tag, generation: streamGeneration })),
      changed: newTags.filter((tag) => tag.from !== undefined).map((tag) => tag.name),
    };
  }

  const stored = new Map<string, SpecTag>();
  for (const tag of oldTags) if (!stored.has(tag.name)) stored.set(tag.name, tag);

  const tags: SpecTag[] = [];
  const changed: string[] = [];
  for (const tag of newTags) {
    const old = stored.get(tag.name);
    const forced = tag.generation === 0;
    const isNew = old === undefined;
    const isChanged = old !== undefined && tagChanged(old, tag, streamNamespace);
    const kept = isNew || forced ? tag.generation : old.generation;
    const generation = isNew || isChanged || !kept ? streamGeneration : kept;
    tags.push({ ...tag, generation });
    if (tag.from !== undefined && (isNew || isChanged || forced)) changed.push(tag.name);
  }
  return { tags, changed };
}

/**
 * Checks what the server checks on every stream write (§6.2), plus tag names, which OpenShift
 * leaves unchecked but which no registry push could ever satisfy (§4.9). Returns every problem
 * found, in tag order; an empty list means valid. Empty `referencePolicy.type` and `importMode`
 * pass because `applySpecDefaults` fills them in.
 */
export function validateSpecTags(tags: readonly SpecTag[]): SpecTagError[] {
  const errors: SpecTagError[] = [];
  const seen = new Set<string>();
  for (const tag of tags) {
    const name = typeof tag.name === 'string' ? tag.name : '';
    const path = `spec.tags[${name}]`;
    if (seen.has(name)) errors.push({ field: path, message: 'duplicate tag name' });
    seen.add(name);

    if (name === '') errors.push({ field: `${path}.name`, message: 'name is required' });
    else if (!TAG_NAME_PATTERN.test(name)) {
      errors.push({ field: `${path}.name`, message: `must match "${TAG_NAME_PATTERN.source.slice(1, -1)}"` });
    }

    errors.push(...validateFrom(tag.from, `${path}.from`));

    const policyType: unknown = tag.referencePolicy?.type;
    if (policyType !== undefined && policyType !== '' && !REFERENCE_POLICY_TYPES.includes(policyType as string)) {
      errors.push({ field: `${path}.referencePolicy.type`, message: 'valid values are "Source", "Local"' });
    }

    const importMode: unknown = tag.importPolicy?.importMode;
    if (importMode !== undefined && !IMPORT_MODES.includes(importMode as string)) {
      errors.push({
        field: `${path}.importPolicy.importMode`,
        message: "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'",
      });
    }
  }
  return errors;
}

function validateFrom(from: ObjectReference | undefined, path: string): SpecTagError[] {
  if (from == null) return [];
  const errors: SpecTagError[] = [];
  if (!OBJECT_REFERENCE_KINDS.includes(from.kind)) {
    errors.push({
      field: `${path}.kind`,
      message: "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'",
    });
  }
  if (typeof from.name !== 'string' || from.name === '') {
    errors.push({ field: `${path}.name`, message: 'name is required' });
  } else if (from.kind === 'DockerImage') {
    const parsed = tryParseReference(from.name);
    if (!parsed.ok) errors.push({ field: `${path}.name`, message: parsed.error.message });
  }
  return errors;
}

/** The "changed" test of §4.1, on a tag that exists before and after the write. */
function tagChanged(old: SpecTag, next: SpecTag, streamNamespace: string): boolean {
  if (next.from === undefined) return false;
  if ((old.from?.namespace || streamNamespace) !== (next.from.namespace || streamNamespace)) return true;
  if ((old.from?.name ?? '') !== next.from.name) return true;
  if (Boolean(old.reference) !== Boolean(next.reference)) return true;
  if (importModeOf(old) !== importModeOf(next)) return true;
  return next.generation === 0 && !!old.generation;
}

function importModeOf(tag: SpecTag): string {
  return tag.importPolicy?.importMode || DEFAULT_IMPORT_MODE;
}
