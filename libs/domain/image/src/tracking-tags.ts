import { SpecTag } from './spec-tags';
import { isSameStreamAlias, isTagSourceError, parseTagSource, StreamLocation } from './tag-source';

/**
 * The spec tags that must receive tag `changedTag`'s new current event (§4.3): tags of the same
 * stream whose `from` is an ImageStreamTag naming `changedTag` (`X` or `<thisStream>:X`,
 * namespace empty or equal). A tag that names itself is left out, as it can only ever copy
 * what it already has.
 *
 * Only direct followers are returned, as in OpenShift. A caller that wants chains
 * (`a` follows `b` follows `c`) to move together calls this again for every tag it updated;
 * `aliasCycle` guarantees that ends.
 */
export function tagsTracking(specTags: readonly SpecTag[], changedTag: string, here: StreamLocation): string[] {
  return specTags
    .filter((tag) => tag.name !== changedTag && aliasTarget(tag, here) === changedTag)
    .map((tag) => tag.name);
}

/**
 * A tag that takes part in a cycle of same-stream aliases (`a` → `b` → `a`, or longer), or
 * `undefined` when there is none. When several tags are on cycles, the first in `specTags`
 * order is reported, so the error is stable.
 *
 * OpenShift accepts such a spec and keeps copying the events around the cycle; we reject it
 * on write instead, with an error naming the tag, because the cycle can never receive an image
 * from outside and following it would not terminate. A tag aliasing itself is not reported:
 * it is useless but harmless, since `tagsTracking` never returns a tag for its own change.
 */
export function aliasCycle(specTags: readonly SpecTag[], here: StreamLocation): string | undefined {
  // Each tag follows at most one other, so the aliases form chains that either end or loop.
  const next = new Map<string, string>();
  for (const tag of specTags) {
    const target = aliasTarget(tag, here);
    if (target !== undefined && target !== tag.name && !next.has(tag.name)) next.set(tag.name, target);
  }

  const onCycle = new Set<string>();
  const finished = new Set<string>();
  for (const start of next.keys()) {
    // Position of each tag on this walk, so a return to one of them is seen at once.
    const path = new Map<string, number>();
    let current: string | undefined = start;
    while (current !== undefined && !finished.has(current) && !path.has(current)) {
      path.set(current, path.size);
      current = next.get(current);
    }
    // Stopped on a tag already on this walk: everything from it onwards is a loop.
    const loopStart = current === undefined ? undefined : path.get(current);
    for (const [name, position] of path) {
      if (loopStart !== undefined && position >= loopStart) onCycle.add(name);
      finished.add(name);
    }
  }
  return specTags.find((tag) => onCycle.has(tag.name))?.name;
}

/** The tag of this stream that `tag` aliases, if it is a same-stream alias. */
function aliasTarget(tag: SpecTag, here: StreamLocation): string | undefined {
  if (!tag.from || !isSameStreamAlias(tag.from, here)) return undefined;
  const source = parseTagSource(tag.from, here);
  return !isTagSourceError(source) && source.kind === 'ImageStreamTag' ? source.tag : undefined;
}
