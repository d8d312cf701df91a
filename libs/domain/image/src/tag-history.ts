/** One entry of a tag's history (`status.tags[].items[]`), newest first in the list. */
export interface TagEvent {
  /** RFC 3339 time the event was recorded. */
  created: string;
  /** Pull spec, normally `<repository>@sha256:…`. */
  dockerImageReference: string;
  /** Image name (`sha256:…`); empty for `reference: true` tags, which point at a pull spec only. */
  image: string;
  /** The spec-tag generation that produced this event. */
  generation: number;
}

export type TagHistoryChange = 'none' | 'generation-updated' | 'replaced-top' | 'prepended';

export interface AddTagEventResult {
  /** Newest first; always a new array. Entries that did not change are shared with the input. */
  history: TagEvent[];
  changed: boolean;
  kind: TagHistoryChange;
}

/**
 * Records `event` as the tag's current image, following OpenShift's collapse rules so that
 * repeating an import, push or tag write does not grow the history:
 *
 * - same pull spec, image and generation as the current entry → nothing changes;
 * - same pull spec and image → only the current entry's generation is updated;
 * - same pull spec, other image (a tag re-resolved), or same image, other pull spec (the same
 *   image reached another way) → the current entry is overwritten in place with the new
 *   pull spec, image and generation. Its `created` stays, as in OpenShift;
 * - anything else → the event is prepended.
 *
 * Only the current entry (`history[0]`) is compared. So rolling back to an image further down
 * the history prepends it again, and the history may list an image several times.
 * Inputs are never mutated.
 */
export function addTagEvent(history: readonly TagEvent[], event: TagEvent): AddTagEventResult {
  const current = history[0];
  if (current === undefined) return { history: [{ ...event }], changed: true, kind: 'prepended' };

  const sameReference = current.dockerImageReference === event.dockerImageReference;
  const sameImage = current.image === event.image;

  if (sameReference && sameImage) {
    if (current.generation === event.generation) return { history: [...history], changed: false, kind: 'none' };
    return replaceCurrent(history, { ...current, generation: event.generation }, 'generation-updated');
  }
  if (sameReference || sameImage) {
    const updated = {
      ...current,
      dockerImageReference: event.dockerImageReference,
      image: event.image,
      generation: event.generation,
    };
    return replaceCurrent(history, updated, 'replaced-top');
  }
  return { history: [{ ...event }, ...history], changed: true, kind: 'prepended' };
}

/** The tag's current image, or `undefined` for a tag without history. */
export function currentTagEvent(history: readonly TagEvent[]): TagEvent | undefined {
  return history[0];
}

/**
 * Keeps the newest `limit` entries. `undefined` or `0` keeps everything: OpenShift itself
 * never caps history, so a cap is an explicit choice of the caller. The current entry is
 * never removed, since any positive limit keeps it.
 */
export function pruneHistory(history: readonly TagEvent[], limit?: number): TagEvent[] {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`history limit must be a non-negative integer, got ${limit}`);
  }
  if (!limit || history.length <= limit) return [...history];
  return history.slice(0, limit);
}

function replaceCurrent(history: readonly TagEvent[], current: TagEvent, kind: TagHistoryChange): AddTagEventResult {
  return { history: [current, ...history.slice(1)], changed: true, kind };
}
