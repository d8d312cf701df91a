import { foreignTagSources, specTagSources } from './tag-sources';

describe('foreignTagSources', () => {
  it.each([
    ['an ImageStreamTag in another namespace', { kind: 'ImageStreamTag', namespace: 'a', name: 'src:v1' }, [{ namespace: 'a', stream: 'src' }]],
    ['an ImageStreamImage in another namespace', { kind: 'ImageStreamImage', namespace: 'a', name: 'src@sha256:abc' }, [{ namespace: 'a', stream: 'src' }]],
    ['the same namespace', { kind: 'ImageStreamTag', namespace: 'b', name: 'src:v1' }, []],
    ['no namespace (the target namespace)', { kind: 'ImageStreamTag', name: 'src:v1' }, []],
    ['an empty namespace', { kind: 'ImageStreamTag', namespace: '', name: 'src:v1' }, []],
    ['a DockerImage (no stream to protect)', { kind: 'DockerImage', namespace: 'a', name: 'quay.io/x/y:1' }, []],
    ['a name without a stream', { kind: 'ImageStreamTag', namespace: 'a', name: ':v1' }, []],
    ['a non-string name', { kind: 'ImageStreamTag', namespace: 'a', name: 42 }, []],
  ])('%s', (_case, from, expected) => {
    expect(foreignTagSources('b', [from])).toEqual(expected);
  });

  it('names each foreign stream once', () => {
    const froms = [
      { kind: 'ImageStreamTag', namespace: 'a', name: 'src:v1' },
      { kind: 'ImageStreamTag', namespace: 'a', name: 'src:v2' },
      { kind: 'ImageStreamImage', namespace: 'c', name: 'base@sha256:1' },
      null,
      undefined,
    ];
    expect(foreignTagSources('b', froms)).toEqual([
      { namespace: 'a', stream: 'src' },
      { namespace: 'c', stream: 'base' },
    ]);
  });
});

describe('specTagSources', () => {
  it('reads spec.tags[].from of an ImageStream or a merge patch', () => {
    const body = { spec: { tags: [{ name: 'v1', from: { kind: 'ImageStreamTag', namespace: 'a', name: 'src:v1' } }, { name: 'v2' }, 'junk', null] } };
    expect(specTagSources(body)).toEqual([{ kind: 'ImageStreamTag', namespace: 'a', name: 'src:v1' }]);
  });

  it.each([[undefined], [null], [{}], [{ spec: null }], [{ spec: { tags: 'x' } }]])('finds nothing in %p', (body) => {
    expect(specTagSources(body)).toEqual([]);
  });
});
