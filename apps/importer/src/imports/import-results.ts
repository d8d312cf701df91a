import type { ImportedImageResultInput, TagPoliciesInput } from '@imagestreams/contracts';
import type { ImageImportOutcome } from './image-importer';

/** What stream-service needs to know about one tag's import. */
export function importResult(
  tag: string,
  from: string,
  outcome: ImageImportOutcome,
  policies: TagPoliciesInput,
): ImportedImageResultInput {
  const base = { tag, from, ...(policies.importPolicy ? { importPolicy: policies.importPolicy } : {}), ...(policies.referencePolicy ? { referencePolicy: policies.referencePolicy } : {}) };
  return outcome.ok ? { ...base, image: outcome.image, ...(outcome.manifests.length ? { manifests: outcome.manifests } : {}) } : { ...base, failure: outcome.failure };
}
