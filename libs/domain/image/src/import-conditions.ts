import type { SpecTag } from './spec-tags';

/** `status.tags[].conditions[]`: OpenShift reports import failures only here. */
export interface TagCondition {
  type: 'ImportSuccess';
  status: 'False';
  reason: string;
  message: string;
  generation: number;
  lastTransitionTime: string;
}

export interface ImportFailureFact {
  reason: string;
  message: string;
}

/**
 * A tag's conditions after an import (§5.1 step 7): success clears ImportSuccess; a failure equal to
 * the one already recorded (type, status, reason, message) changes nothing, so repeated identical
 * failures neither churn the stream nor refire anything; another failure replaces it.
 */
export function nextImportConditions(
  existing: readonly TagCondition[],
  failure: ImportFailureFact | undefined,
  generation: number,
  now: string,
): { conditions: TagCondition[]; changed: boolean } {
  const others = existing.filter((condition) => condition.type !== 'ImportSuccess');
  if (!failure) return { conditions: others, changed: others.length !== existing.length };
  const same = existing.find((condition) => condition.type === 'ImportSuccess' && condition.status === 'False' && condition.reason === failure.reason && condition.message === failure.message);
  if (same) return { conditions: [...existing], changed: false };
  return {
    conditions: [...others, { type: 'ImportSuccess', status: 'False', reason: failure.reason, message: failure.message, generation, lastTransitionTime: now }],
    changed: true,
  };
}

/** A spec tag the importer imports: `from.kind: DockerImage` without `reference: true`. */
export function isImportableTag(tag: SpecTag): boolean {
  return tag.from?.kind === 'DockerImage' && tag.reference !== true;
}

/** What about a stream's importable tags the importer acts on; equal keys mean nothing to reschedule. */
export function importableTagsKey(tags: readonly SpecTag[]): string {
  return JSON.stringify(
    tags
      .filter(isImportableTag)
      .map((tag) => [tag.name, tag.from?.name, tag.importPolicy ?? null, tag.referencePolicy ?? null, tag.annotations ?? null])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
  );
}
