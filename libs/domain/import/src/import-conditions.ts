/** The condition a failed import leaves on a stream's status tag (OpenShift's TagEventCondition). */
export interface TagCondition {
  type: 'ImportSuccess';
  status: 'False';
  reason: string;
  message: string;
  /** The stream generation the failed import was made for. */
  generation: number;
  /** RFC 3339. */
  lastTransitionTime: string;
}

/** The part of a failed import's Status that the condition records. */
export interface ImportFailureSummary {
  reason: string;
  message: string;
}

export interface ImportConditionsUpdate {
  conditions: TagCondition[];
  /** False when the stored conditions can stay exactly as they are, so nothing needs writing. */
  changed: boolean;
}

/** OpenShift's text when a failure came without a message. */
export const UNKNOWN_IMPORT_ERROR_MESSAGE = 'unknown error prevented import';

/**
 * The tag's conditions after an import. A success clears the ImportSuccess condition. A failure
 * replaces it, unless the same failure is already recorded: then nothing changes, not even the
 * timestamp, because scheduled imports retry every interval and rewriting an identical
 * condition would bump the stream's resourceVersion and wake every watcher for no news.
 * `now` is RFC 3339, as it is stored.
 */
export function nextImportConditions(
  existing: readonly TagCondition[],
  failure: ImportFailureSummary | undefined,
  generation: number,
  now: string,
): ImportConditionsUpdate {
  const others = existing.filter((condition) => condition.type !== 'ImportSuccess');

  if (failure === undefined) {
    return { conditions: others, changed: others.length !== existing.length };
  }

  const next: TagCondition = {
    type: 'ImportSuccess',
    status: 'False',
    reason: failure.reason,
    message: failure.message || UNKNOWN_IMPORT_ERROR_MESSAGE,
    generation,
    lastTransitionTime: now,
  };
  // Generation is deliberately not compared: a repeat of the same failure at a newer generation
  // is still the same news.
  const alreadyRecorded = existing.some(
    (condition) =>
      condition.type === next.type &&
      condition.status === next.status &&
      condition.reason === next.reason &&
      condition.message === next.message,
  );
  if (alreadyRecorded) return { conditions: [...existing], changed: false };
  return { conditions: [...others, next], changed: true };
}
