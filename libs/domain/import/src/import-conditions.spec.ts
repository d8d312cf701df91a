import { ImportFailureSummary, nextImportConditions, TagCondition, UNKNOWN_IMPORT_ERROR_MESSAGE } from './import-conditions';

const EARLIER = '2026-11-27T10:00:00Z';
const NOW = '2026-11-27T10:15:00Z';

function condition(reason: string, message: string, generation = 3, lastTransitionTime = EARLIER): TagCondition {
  return { type: 'ImportSuccess', status: 'False', reason, message, generation, lastTransitionTime };
}

const NOT_FOUND = condition('NotFound', 'dockerimage.image.openshift.io "quay.io/a/b:1" not found');

describe('nextImportConditions', () => {
  it.each<[label: string, existing: TagCondition[], failure: ImportFailureSummary | undefined, conditions: TagCondition[], changed: boolean]>([
    ['success with nothing recorded changes nothing', [], undefined, [], false],
    ['success clears a recorded failure', [NOT_FOUND], undefined, [], true],
    ['a first failure is recorded', [], { reason: 'Unauthorized', message: 'no access' }, [condition('Unauthorized', 'no access', 4, NOW)], true],
    [
      'the same failure again keeps the old condition and timestamp',
      [NOT_FOUND],
      { reason: NOT_FOUND.reason, message: NOT_FOUND.message },
      [NOT_FOUND],
      false,
    ],
    [
      'a different reason replaces the condition',
      [NOT_FOUND],
      { reason: 'Unauthorized', message: NOT_FOUND.message },
      [condition('Unauthorized', NOT_FOUND.message, 4, NOW)],
      true,
    ],
    [
      'a different message replaces the condition',
      [NOT_FOUND],
      { reason: 'NotFound', message: 'dockerimage.image.openshift.io "quay.io/a/b:2" not found' },
      [condition('NotFound', 'dockerimage.image.openshift.io "quay.io/a/b:2" not found', 4, NOW)],
      true,
    ],
    [
      'an empty message is recorded as the unknown error',
      [],
      { reason: 'InternalError', message: '' },
      [condition('InternalError', UNKNOWN_IMPORT_ERROR_MESSAGE, 4, NOW)],
      true,
    ],
    [
      'an empty message repeats the recorded unknown error',
      [condition('InternalError', UNKNOWN_IMPORT_ERROR_MESSAGE)],
      { reason: 'InternalError', message: '' },
      [condition('InternalError', UNKNOWN_IMPORT_ERROR_MESSAGE)],
      false,
    ],
    [
      'duplicated stored conditions collapse into one on change',
      [NOT_FOUND, condition('Unauthorized', 'x')],
      { reason: 'InternalError', message: 'boom' },
      [condition('InternalError', 'boom', 4, NOW)],
      true,
    ],
  ])('%s', (_label, existing, failure, conditions, changed) => {
    expect(nextImportConditions(existing, failure, 4, NOW)).toEqual({ conditions, changed });
  });

  it('does not modify the stored conditions', () => {
    const existing = [NOT_FOUND];
    const update = nextImportConditions(existing, { reason: 'Unauthorized', message: 'x' }, 4, NOW);
    expect(existing).toEqual([NOT_FOUND]);
    expect(update.conditions).not.toBe(existing);
  });
});
