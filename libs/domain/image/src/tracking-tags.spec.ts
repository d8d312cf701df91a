import { ObjectReference, SpecTag } from './spec-tags';
import { aliasCycle, tagsTracking } from './tracking-tags';

const HERE = { namespace: 'team', stream: 'app' };

const tag = (name: string, from?: ObjectReference): SpecTag => ({ name, annotations: null, from, generation: 1 });
const alias = (name: string, target: string, namespace?: string): SpecTag =>
  tag(name, { kind: 'ImageStreamTag', name: target, ...(namespace === undefined ? {} : { namespace }) });

describe('tagsTracking', () => {
  const spec: SpecTag[] = [
    tag('v1', { kind: 'DockerImage', name: 'quay.io/acme/app:v1' }),
    alias('bare', 'v1'),
    alias('spelled', 'app:v1'),
    alias('same-ns', 'v1', 'team'),
    alias('empty-ns', 'app:v1', ''),
    alias('other-stream', 'base:v1'),
    alias('other-ns', 'app:v1', 'elsewhere'),
    alias('other-tag', 'v2'),
    alias('malformed', 'app:v1:x'),
    tag('image', { kind: 'ImageStreamImage', name: 'app@sha256:0123456' }),
    tag('docker-named-like-a-tag', { kind: 'DockerImage', name: 'v1' }),
    alias('self', 'self'),
    tag('no-from'),
  ];

  it.each<[label: string, changedTag: string, expected: string[]]>([
    [
      'every same-stream spelling follows, in spec order; other streams, namespaces and kinds do not',
      'v1',
      ['bare', 'spelled', 'same-ns', 'empty-ns'],
    ],
    ['a tag nobody follows', 'other', []],
    ['followers of a follower are not included (one level only)', 'bare', []],
    ['a tag naming itself is not its own follower', 'self', []],
    ['a tag without spec entry (pushed only) can be followed', 'v2', ['other-tag']],
  ])('%s', (_label, changedTag, expected) => {
    expect(tagsTracking(spec, changedTag, HERE)).toEqual(expected);
  });

  it('returns direct followers only, so chains are walked by the caller', () => {
    const chain = [alias('a', 'b'), alias('b', 'c'), tag('c', { kind: 'DockerImage', name: 'nginx' })];
    expect(tagsTracking(chain, 'c', HERE)).toEqual(['b']);
    expect(tagsTracking(chain, 'b', HERE)).toEqual(['a']);
  });

  it('judges "same stream" by the stream it is given', () => {
    // Bare names and empty namespaces always mean the stream being written.
    const base = { namespace: 'team', stream: 'base' };
    expect(tagsTracking(spec, 'v1', base)).toEqual(['bare', 'same-ns', 'other-stream']);
    expect(tagsTracking(spec, 'v1', { namespace: 'elsewhere', stream: 'app' })).toEqual([
      'bare',
      'spelled',
      'empty-ns',
      'other-ns',
    ]);
  });
});

describe('aliasCycle', () => {
  const docker = (name: string) => tag(name, { kind: 'DockerImage', name: 'nginx' });

  it.each<[label: string, spec: SpecTag[], expected: string | undefined]>([
    ['no tags', [], undefined],
    ['no aliases', [docker('a'), tag('b')], undefined],
    ['a chain that ends in an import', [alias('a', 'b'), alias('b', 'c'), docker('c')], undefined],
    ['a chain that ends in a tag without spec entry', [alias('a', 'b'), alias('b', 'pushed')], undefined],
    ['two tags following each other', [docker('x'), alias('a', 'b'), alias('b', 'a')], 'a'],
    ['the first tag on the cycle in spec order is reported', [alias('b', 'a'), alias('a', 'b')], 'b'],
    ['a longer cycle', [alias('a', 'b'), alias('b', 'c'), alias('c', 'a')], 'a'],
    ['a cycle spelled with the stream name', [alias('a', 'app:b'), alias('b', 'app:a', 'team')], 'a'],
    [
      'a tag leading into a cycle is not on it',
      [alias('lead', 'a'), alias('a', 'b'), alias('b', 'a')],
      'a',
    ],
    ['a tag aliasing itself is not a cycle', [alias('a', 'a')], undefined],
    ['a tag aliasing itself with the stream name is not a cycle', [alias('a', 'app:a')], undefined],
    [
      'a loop through another stream is not a same-stream cycle',
      [alias('a', 'base:b'), alias('b', 'a')],
      undefined,
    ],
    [
      'a loop through another namespace is not a same-stream cycle',
      [alias('a', 'b', 'elsewhere'), alias('b', 'a')],
      undefined,
    ],
    [
      'ImageStreamImage sources are not aliases',
      [tag('a', { kind: 'ImageStreamImage', name: 'app@sha256:0123456' }), alias('b', 'a')],
      undefined,
    ],
    [
      'two separate cycles: the first in spec order',
      [docker('x'), alias('p', 'q'), alias('q', 'p'), alias('a', 'b'), alias('b', 'a')],
      'p',
    ],
    [
      'several chains sharing a tail without a cycle',
      [alias('a', 'c'), alias('b', 'c'), alias('c', 'd'), docker('d')],
      undefined,
    ],
  ])('%s', (_label, spec, expected) => {
    expect(aliasCycle(spec, HERE)).toBe(expected);
  });

  it('handles a long chain ending in a cycle', () => {
    const spec = Array.from({ length: 500 }, (_, i) => alias(`t${i}`, `t${i + 1}`));
    spec.push(alias('t500', 't499'));
    expect(aliasCycle(spec, HERE)).toBe('t499');
  });
});
