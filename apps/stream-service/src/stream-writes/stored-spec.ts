import { repositoryNameProblems, type ImageStreamSpecInput, type StatusCause } from '@imagestreams/contracts';
import { aliasCycle, applySpecDefaults, validateSpecTags, type SpecTag } from '@imagestreams/domain-image';

/** `spec` as stored and served: OpenShift's defaults applied, tags in the order given. */
export interface StoredSpec {
  lookupPolicy: { local: boolean };
  dockerImageRepository?: string;
  tags: SpecTag[];
}

export function toStoredSpec(input: ImageStreamSpecInput | undefined): StoredSpec {
  return {
    lookupPolicy: { local: input?.lookupPolicy?.local ?? false },
    ...(input?.dockerImageRepository ? { dockerImageRepository: input.dockerImageRepository } : {}),
    tags: (input?.tags ?? []).map((tag) => applySpecDefaults(tag as SpecTag)),
  };
}

/** Every problem of a stream's name and spec, as Status causes with field paths. */
export function specProblems(spec: StoredSpec, here: { namespace: string; stream: string }): StatusCause[] {
  const causes: StatusCause[] = repositoryNameProblems(here.namespace, here.stream).map((message) => ({ reason: 'FieldValueTooLong', message, field: 'metadata.name' }));
  for (const problem of validateSpecTags(spec.tags)) causes.push({ reason: 'FieldValueInvalid', message: problem.message, field: problem.field });
  const cycle = aliasCycle(spec.tags, here);
  if (cycle) causes.push({ reason: 'FieldValueInvalid', message: 'tags may not track each other in a cycle', field: `spec.tags[${cycle}].from` });
  return causes;
}

/**
 * Clients cannot set a spec tag's generation (reference §4.1): an existing tag keeps its stored
 * value unless the client sent exactly 0 (the documented "re-import" request). Used before comparing
 * old and new spec to decide whether the stream's generation moves.
 */
export function withStoredGenerations(oldTags: SpecTag[], newTags: SpecTag[]): SpecTag[] {
  const stored = new Map(oldTags.map((tag) => [tag.name, tag.generation]));
  return newTags.map((tag) => (stored.has(tag.name) && tag.generation !== 0 ? { ...tag, generation: stored.get(tag.name) ?? null } : tag));
}
