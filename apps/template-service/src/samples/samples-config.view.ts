import { SAMPLES_API_VERSION, type SamplesConfig, type SamplesConfigSpec, type SamplesConfigSpecInput, type SamplesConfigStatus } from '@imagestreams/contracts';
import type { SamplesConfigRow } from './samples-config.repository';

/** The spec as stored from a request: every list present, a missing managementState Managed, an empty registry left out. */
export function storedSpec(input: SamplesConfigSpecInput | undefined): SamplesConfigSpec {
  return {
    managementState: input?.managementState ?? 'Managed',
    ...(input?.samplesRegistry ? { samplesRegistry: input.samplesRegistry } : {}),
    architectures: [...(input?.architectures ?? [])],
    skippedImagestreams: [...(input?.skippedImagestreams ?? [])],
    skippedTemplates: [...(input?.skippedTemplates ?? [])],
  };
}

/** jsonb does not keep key order: the view puts the fields in the API's order. */
function specView(spec: SamplesConfigSpec): SamplesConfigSpec {
  return {
    managementState: spec.managementState,
    ...(spec.samplesRegistry ? { samplesRegistry: spec.samplesRegistry } : {}),
    architectures: spec.architectures ?? [],
    skippedImagestreams: spec.skippedImagestreams ?? [],
    skippedTemplates: spec.skippedTemplates ?? [],
  };
}

function statusView(status: SamplesConfigStatus): SamplesConfigStatus {
  return {
    ...(status.managementState ? { managementState: status.managementState } : {}),
    conditions: (status.conditions ?? []).map((condition) => ({
      type: condition.type,
      status: condition.status,
      lastUpdateTime: condition.lastUpdateTime,
      lastTransitionTime: condition.lastTransitionTime,
      ...(condition.reason ? { reason: condition.reason } : {}),
      ...(condition.message ? { message: condition.message } : {}),
    })),
    ...(status.samplesRegistry ? { samplesRegistry: status.samplesRegistry } : {}),
    ...(status.architectures ? { architectures: status.architectures } : {}),
    ...(status.skippedImagestreams ? { skippedImagestreams: status.skippedImagestreams } : {}),
    ...(status.skippedTemplates ? { skippedTemplates: status.skippedTemplates } : {}),
    ...(status.version ? { version: status.version } : {}),
  };
}

export function samplesConfigView(row: SamplesConfigRow): SamplesConfig {
  return {
    apiVersion: SAMPLES_API_VERSION,
    kind: 'Config',
    metadata: {
      name: row.name,
      uid: row.uid,
      resourceVersion: String(row.resource_version),
      generation: Number(row.generation),
      creationTimestamp: row.created_at.toISOString(),
      ...(Object.keys(row.labels).length ? { labels: row.labels } : {}),
      ...(Object.keys(row.annotations).length ? { annotations: row.annotations } : {}),
    },
    spec: specView(row.spec),
    status: statusView(row.status ?? { conditions: [] }),
  };
}
