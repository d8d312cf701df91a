import type { SamplesConfigSpec, SamplesConfigStatus } from '@imagestreams/contracts';
import {
  configurationProblem,
  importErrorsCondition,
  invalidStatus,
  managedStatus,
  removedStatus,
  removePendingStatus,
  unmanagedStatus,
  withAllConditions,
  withCondition,
  type ManagedOutcome,
} from './samples-status';

const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-01T00:10:00.000Z';
const T3 = '2026-01-01T00:20:00.000Z';
const SPEC: SamplesConfigSpec = { managementState: 'Managed', architectures: ['x86_64'], skippedImagestreams: ['redis'], skippedTemplates: [] };
const OK: ManagedOutcome = { failures: [], importFailures: [], version: '1.0.0', architecture: 'x86_64' };

function condition(status: SamplesConfigStatus, type: string) {
  return status.conditions.find((candidate) => candidate.type === type);
}

describe('withCondition', () => {
  it('stamps both times when the status changes, only lastUpdateTime when just the message does, nothing when nothing does', () => {
    const first = withCondition([], 'SamplesExist', { status: 'True' }, T1);
    const reworded = withCondition(first, 'SamplesExist', { status: 'True', message: 'm' }, T2);
    const flipped = withCondition(reworded, 'SamplesExist', { status: 'False' }, T3);

    expect(first).toEqual([{ type: 'SamplesExist', status: 'True', lastUpdateTime: T1, lastTransitionTime: T1 }]);
    expect(reworded).toEqual([{ type: 'SamplesExist', status: 'True', lastUpdateTime: T2, lastTransitionTime: T1, message: 'm' }]);
    expect(flipped).toEqual([{ type: 'SamplesExist', status: 'False', lastUpdateTime: T3, lastTransitionTime: T3 }]);
    expect(withCondition(flipped, 'SamplesExist', { status: 'False' }, '2030-01-01T00:00:00.000Z')).toEqual(flipped);
  });

  it('keeps the conditions in one order; new ones start False', () => {
    expect(withAllConditions([], T1).map((entry) => [entry.type, entry.status])).toEqual([
      ['ConfigurationValid', 'False'],
      ['SamplesExist', 'False'],
      ['ImportImageErrorsExist', 'False'],
      ['RemovePending', 'False'],
    ]);
  });
});

describe('status after a reconcile', () => {
  it('Managed: samples exist, the spec is recorded as applied with the version; a second identical reconcile changes nothing', () => {
    const first = managedStatus({ conditions: [] }, SPEC, OK, T1);
    const again = managedStatus(first, SPEC, OK, T2);

    expect(first).toEqual({
      managementState: 'Managed',
      conditions: [
        { type: 'ConfigurationValid', status: 'True', lastUpdateTime: T1, lastTransitionTime: T1 },
        { type: 'SamplesExist', status: 'True', lastUpdateTime: T1, lastTransitionTime: T1 },
        { type: 'ImportImageErrorsExist', status: 'False', lastUpdateTime: T1, lastTransitionTime: T1 },
        { type: 'RemovePending', status: 'False', lastUpdateTime: T1, lastTransitionTime: T1 },
      ],
      architectures: ['x86_64'],
      skippedImagestreams: ['redis'],
      skippedTemplates: [],
      version: '1.0.0',
    });
    expect(again).toEqual(first);
  });

  it('Managed with import errors names the streams', () => {
    const status = managedStatus({ conditions: [] }, SPEC, { ...OK, importFailures: [{ imageStream: 'ruby', tags: { a: 'x' } }, { imageStream: 'mysql', tags: { b: 'y' } }] }, T1);

    expect(condition(status, 'ImportImageErrorsExist')).toMatchObject({ status: 'True', reason: 'FailedImageImports', message: expect.stringContaining('these imagestreams: ruby,mysql.') });
    expect(importErrorsCondition([])).toEqual({ status: 'False' });
  });

  it('Managed with failed writes: SamplesExist Unknown naming them, the applied spec kept as it was', () => {
    const before = managedStatus({ conditions: [] }, SPEC, OK, T1);
    const status = managedStatus(before, { ...SPEC, samplesRegistry: 'bad' }, { ...OK, failures: [{ kind: 'ImageStream', name: 'ruby', reason: 'Invalid', message: 'bad reference' }] }, T2);

    expect(condition(status, 'SamplesExist')).toEqual({ type: 'SamplesExist', status: 'Unknown', reason: 'APIServerInvalidError', message: 'ImageStream ruby: bad reference', lastUpdateTime: T2, lastTransitionTime: T2 });
    expect(status.samplesRegistry).toBeUndefined();
  });

  it("Force is Managed, with OpenShift's note", () => {
    expect(condition(managedStatus({ conditions: [] }, { ...SPEC, managementState: 'Force' }, OK, T1), 'ConfigurationValid')).toMatchObject({
      status: 'True',
      message: 'Unexpected management state Force received, switching to Managed',
    });
  });

  it('refuses an architecture change once samples exist, until Removed clears the record', () => {
    const applied = managedStatus({ conditions: [] }, SPEC, OK, T1);
    const arm = { ...SPEC, architectures: ['arm64'] };

    expect(configurationProblem(SPEC, applied, 'x86_64')).toBeUndefined();
    expect(configurationProblem({ ...SPEC, architectures: [] }, applied, 'x86_64')).toBeUndefined();
    expect(configurationProblem(arm, applied, 'x86_64')).toBe('cannot change architectures from x86_64 to arm64');
    expect(condition(invalidStatus(applied, 'cannot change architectures from x86_64 to arm64', T2), 'ConfigurationValid')).toMatchObject({ status: 'False', reason: 'InvalidConfiguration' });
    expect(configurationProblem(arm, removedStatus(applied, SPEC, [], '1.0.0', T2), 'x86_64')).toBeUndefined();
    expect(configurationProblem(arm, { conditions: [] }, 'x86_64')).toBeUndefined();
  });

  it('Removed: pending while deleting, then samples gone, no import errors, architectures cleared', () => {
    const applied = managedStatus({ conditions: [] }, SPEC, { ...OK, importFailures: [{ imageStream: 'ruby', tags: {} }] }, T1);
    const pending = removePendingStatus(applied, T2);
    const removed = removedStatus(pending, { ...SPEC, managementState: 'Removed' }, [], '1.0.0', T3);

    expect(condition(pending, 'RemovePending')?.status).toBe('True');
    expect(removed.managementState).toBe('Removed');
    expect(removed.architectures).toBeUndefined();
    expect(removed.conditions.map((entry) => [entry.type, entry.status])).toEqual([
      ['ConfigurationValid', 'True'],
      ['SamplesExist', 'False'],
      ['ImportImageErrorsExist', 'False'],
      ['RemovePending', 'False'],
    ]);
  });

  it('Removed with failed deletions keeps RemovePending True with the reason', () => {
    const removed = removedStatus({ conditions: [] }, SPEC, [{ kind: 'Template', name: 'x', reason: 'ServiceUnavailable', message: 'down' }], '1.0.0', T1);

    expect(condition(removed, 'RemovePending')).toMatchObject({ status: 'True', reason: 'APIServerServiceUnavailableError', message: 'Template x: down' });
    expect(removed.managementState).toBeUndefined();
  });

  it('Unmanaged records the state and leaves the samples condition as it was', () => {
    const applied = managedStatus({ conditions: [] }, SPEC, OK, T1);
    const unmanaged = unmanagedStatus(applied, { ...SPEC, managementState: 'Unmanaged' }, '1.0.0', T2);

    expect(unmanaged.managementState).toBe('Unmanaged');
    expect(condition(unmanaged, 'SamplesExist')).toEqual(condition(applied, 'SamplesExist'));
  });
});
