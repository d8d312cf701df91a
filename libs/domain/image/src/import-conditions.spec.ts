import { importableTagsKey, isImportableTag, nextImportConditions, type TagCondition } from './import-conditions';
import type { SpecTag } from './spec-tags';

const failure = (reason: string, message: string, lastTransitionTime = '2026-01-01T00:00:00Z'): TagCondition => ({
  type: 'ImportSuccess',
  status: 'False',
  reason,
  message,
  generation: 2,
  lastTransitionTime,
});

describe('nextImportConditions', () => {
  it.each([
    ['success without conditions changes nothing', [], undefined, [], false],
    ['success clears a recorded failure', [failure('NotFound', 'gone')], undefined, [], true],
    ['an identical failure keeps the old condition and its timestamp', [failure('NotFound', 'gone')], { reason: 'NotFound', message: 'gone' }, [failure('NotFound', 'gone')], false],
    ['a different message replaces the condition', [failure('NotFound', 'gone')], { reason: 'NotFound', message: 'still gone' }, [failure('NotFound', 'still gone', 'now')], true],
    ['a first failure is recorded', [], { reason: 'Unauthorized', message: 'denied' }, [failure('Unauthorized', 'denied', 'now')], true],
  ])('%s', (_name, existing, outcome, expected, changed) => {
    const result = nextImportConditions(existing, outcome, 2, 'now');
    expect(result.conditions).toEqual(expected);
    expect(result.changed).toBe(changed);
  });
});

describe('importable tags', () => {
  const tag = (overrides: Partial<SpecTag>): SpecTag => ({ name: 't', annotations: null, generation: 1, ...overrides });

  it.each([
    ['a DockerImage source', tag({ from: { kind: 'DockerImage', name: 'quay.io/a/b:1' } }), true],
    ['a reference-only DockerImage', tag({ from: { kind: 'DockerImage', name: 'quay.io/a/b:1' }, reference: true }), false],
    ['an alias', tag({ from: { kind: 'ImageStreamTag', name: 'latest' } }), false],
    ['no source', tag({}), false],
  ])('%s', (_name, candidate, expected) => {
    expect(isImportableTag(candidate)).toBe(expected);
  });

  it('keys change with the source or the schedule but not with the tag order or other tags', () => {
    const a = tag({ name: 'a', from: { kind: 'DockerImage', name: 'x/a:1' } });
    const b = tag({ name: 'b', from: { kind: 'DockerImage', name: 'x/b:1' }, importPolicy: { scheduled: true } });
    const alias = tag({ name: 'c', from: { kind: 'ImageStreamTag', name: 'a' } });
    expect(importableTagsKey([a, b])).toBe(importableTagsKey([b, alias, a]));
    expect(importableTagsKey([a, b])).not.toBe(importableTagsKey([a, { ...b, importPolicy: { scheduled: false } }]));
    expect(importableTagsKey([a, b])).not.toBe(importableTagsKey([a, { ...b, from: { kind: 'DockerImage', name: 'x/b:2' } }]));
  });
});
