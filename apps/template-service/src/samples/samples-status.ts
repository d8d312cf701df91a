import type { SamplesCondition, SamplesConditionType, SamplesConfigSpec, SamplesConfigStatus } from '@imagestreams/contracts';
import type { ImportFailure } from './samples-plan';

/**
 * The Config's status as the operator keeps it (reference §6.1, §6.3, §6.6), as pure functions of
 * the previous status and what a reconcile found. The conditions kept are the ones that still mean
 * something here:
 * - ConfigurationValid: False when the spec cannot be applied (an architecture change once samples exist);
 * - SamplesExist: True once every catalog sample was applied, Unknown when a write failed, False after removal;
 * - ImportImageErrorsExist: True while a managed stream's latest import of a tag failed, naming the streams;
 * - RemovePending: True while Removed is deleting the samples.
 * OpenShift's ImportCredentialsExist (always True), ImageChangesInProgress and MigrationInProgress
 * (deprecated) are not kept.
 */
export const CONDITION_TYPES: readonly SamplesConditionType[] = ['ConfigurationValid', 'SamplesExist', 'ImportImageErrorsExist', 'RemovePending'];

export interface ConditionValue {
  status: SamplesCondition['status'];
  reason?: string;
  message?: string;
}

/**
 * Sets one condition. Unchanged (status, reason and message) leaves the list as it was, times
 * included, so a reconcile that finds nothing new writes nothing. A status change stamps both
 * times; a new reason or message only `lastUpdateTime`.
 */
export function withCondition(conditions: readonly SamplesCondition[], type: SamplesConditionType, value: ConditionValue, now: string): SamplesCondition[] {
  const existing = conditions.find((condition) => condition.type === type);
  if (existing && existing.status === value.status && existing.reason === value.reason && existing.message === value.message) return [...conditions];
  const next: SamplesCondition = {
    type,
    status: value.status,
    lastUpdateTime: now,
    lastTransitionTime: existing && existing.status === value.status ? existing.lastTransitionTime : now,
    ...(value.reason ? { reason: value.reason } : {}),
    ...(value.message ? { message: value.message } : {}),
  };
  return [...conditions.filter((condition) => condition.type !== type), next].sort((a, b) => CONDITION_TYPES.indexOf(a.type) - CONDITION_TYPES.indexOf(b.type));
}

/** Every condition type present: a new one starts False (OpenShift's rule). */
export function withAllConditions(conditions: readonly SamplesCondition[], now: string): SamplesCondition[] {
  let result = [...conditions];
  for (const type of CONDITION_TYPES) if (!result.some((condition) => condition.type === type)) result = withCondition(result, type, { status: 'False' }, now);
  return result;
}

function setAll(status: SamplesConfigStatus, values: Partial<Record<SamplesConditionType, ConditionValue>>, now: string): SamplesCondition[] {
  let conditions = withAllConditions(status.conditions ?? [], now);
  for (const type of CONDITION_TYPES) {
    const value = values[type];
    if (value) conditions = withCondition(conditions, type, value, now);
  }
  return conditions;
}

function conditionTrue(status: SamplesConfigStatus, type: SamplesConditionType): boolean {
  return (status.conditions ?? []).some((condition) => condition.type === type && condition.status === 'True');
}

/** A write the reconcile could not make. */
export interface SampleFailure {
  kind: 'ImageStream' | 'Template' | 'Namespace';
  name: string;
  /** The Status reason (`Invalid`, `Conflict`, `ServiceUnavailable`, …). */
  reason: string;
  message: string;
}

const MAX_LISTED = 5;

function failureCondition(failures: readonly SampleFailure[]): ConditionValue {
  const listed = failures.slice(0, MAX_LISTED).map((failure) => `${failure.kind} ${failure.name}: ${failure.message}`);
  if (failures.length > MAX_LISTED) listed.push(`and ${failures.length - MAX_LISTED} more`);
  return { status: 'Unknown', reason: `APIServer${failures[0].reason}Error`, message: listed.join('; ') };
}

export function importErrorsCondition(failures: readonly ImportFailure[]): ConditionValue {
  if (failures.length === 0) return { status: 'False' };
  return {
    status: 'True',
    reason: 'FailedImageImports',
    message: `ImageStream import errors have been detected for these imagestreams: ${failures.map((failure) => failure.imageStream).join(',')}. Each failing tag has an ImportSuccess=False condition in the image stream's status.tags[].conditions with the error.`,
  };
}

/** The architecture in effect: the spec's first, else the one the service runs on. */
export function architectureOf(spec: Pick<SamplesConfigSpec, 'architectures'>, defaultArchitecture: string): string {
  return spec.architectures?.[0] ?? defaultArchitecture;
}

/**
 * Why a Managed spec cannot be applied, or undefined: once samples exist, the architecture may
 * not change (`cannot change architectures from x86_64 to arm64`); Removed clears the record.
 */
export function configurationProblem(spec: SamplesConfigSpec, status: SamplesConfigStatus, defaultArchitecture: string): string | undefined {
  const applied = status.architectures?.[0];
  const wanted = architectureOf(spec, defaultArchitecture);
  if (applied !== undefined && conditionTrue(status, 'SamplesExist') && applied !== wanted) return `cannot change architectures from ${applied} to ${wanted}`;
  return undefined;
}

/** OpenShift's note when the state is neither Managed, Unmanaged nor Removed. */
function validConfiguration(spec: SamplesConfigSpec): ConditionValue {
  const state = spec.managementState ?? '';
  if (state === 'Managed' || state === 'Unmanaged' || state === 'Removed') return { status: 'True' };
  return { status: 'True', message: `Unexpected management state ${state} received, switching to Managed` };
}

/** A Managed spec that cannot be applied: only ConfigurationValid changes, the samples stay as they are. */
export function invalidStatus(status: SamplesConfigStatus, problem: string, now: string): SamplesConfigStatus {
  return { ...status, conditions: setAll(status, { ConfigurationValid: { status: 'False', reason: 'InvalidConfiguration', message: problem } }, now) };
}

export interface ManagedOutcome {
  failures: readonly SampleFailure[];
  importFailures: readonly ImportFailure[];
  version: string;
  architecture: string;
}

/**
 * After a Managed reconcile: SamplesExist True (or Unknown naming what failed), import errors,
 * RemovePending False; on success the spec is recorded as applied (registry, architecture, skip
 * lists) with the catalog version.
 */
export function managedStatus(status: SamplesConfigStatus, spec: SamplesConfigSpec, outcome: ManagedOutcome, now: string): SamplesConfigStatus {
  const ok = outcome.failures.length === 0;
  const conditions = setAll(
    status,
    {
      ConfigurationValid: validConfiguration(spec),
      SamplesExist: ok ? { status: 'True' } : failureCondition(outcome.failures),
      ImportImageErrorsExist: importErrorsCondition(outcome.importFailures),
      RemovePending: { status: 'False' },
    },
    now,
  );
  if (!ok) return { ...status, conditions };
  return {
    managementState: 'Managed',
    conditions,
    ...(spec.samplesRegistry ? { samplesRegistry: spec.samplesRegistry } : {}),
    architectures: [outcome.architecture],
    skippedImagestreams: [...(spec.skippedImagestreams ?? [])],
    skippedTemplates: [...(spec.skippedTemplates ?? [])],
    version: outcome.version,
  };
}

/** Before Removed deletes anything. */
export function removePendingStatus(status: SamplesConfigStatus, now: string): SamplesConfigStatus {
  return { ...status, conditions: setAll(status, { RemovePending: { status: 'True' } }, now) };
}

/** After Removed deleted the managed samples (or failed to: RemovePending stays True naming why). */
export function removedStatus(status: SamplesConfigStatus, spec: SamplesConfigSpec, failures: readonly SampleFailure[], version: string, now: string): SamplesConfigStatus {
  if (failures.length > 0) {
    const failed = failureCondition(failures);
    return { ...status, conditions: setAll(status, { RemovePending: { status: 'True', reason: failed.reason, message: failed.message } }, now) };
  }
  const conditions = setAll(
    status,
    { ConfigurationValid: validConfiguration(spec), SamplesExist: { status: 'False' }, ImportImageErrorsExist: { status: 'False' }, RemovePending: { status: 'False' } },
    now,
  );
  const { architectures: _cleared, ...rest } = status;
  return { ...rest, managementState: 'Removed', conditions, version };
}

/** Unmanaged: recorded, RemovePending off; the samples are the user's now. */
export function unmanagedStatus(status: SamplesConfigStatus, spec: SamplesConfigSpec, version: string, now: string): SamplesConfigStatus {
  return { ...status, managementState: 'Unmanaged', conditions: setAll(status, { ConfigurationValid: validConfiguration(spec), RemovePending: { status: 'False' } }, now), version };
}
