import { ObjectReference } from './spec-tags';
import { isSameStreamAlias, isTagSourceError, parseTagSource, TagSource } from './tag-source';

const HERE = { namespace: 'team', stream: 'app' };
const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const FORM = 'must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>';
const KINDS = "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'";

describe('parseTagSource', () => {
  it.each<[label: string, from: ObjectReference, expected: TagSource]>([
    // DockerImage
    [
      'DockerImage: the pull spec as written',
      { kind: 'DockerImage', name: 'quay.io/acme/app:v1' },
      { kind: 'DockerImage', pullSpec: 'quay.io/acme/app:v1' },
    ],
    [
      'DockerImage: a namespace is irrelevant',
      { kind: 'DockerImage', name: `nginx@${DIGEST}`, namespace: 'other' },
      { kind: 'DockerImage', pullSpec: `nginx@${DIGEST}` },
    ],
    ['DockerImage: empty name', { kind: 'DockerImage', name: '' }, { error: 'name is required' }],
    // ImageStreamTag
    [
      'ImageStreamTag <tag>: a tag of this stream',
      { kind: 'ImageStreamTag', name: 'v1' },
      { kind: 'ImageStreamTag', namespace: 'team', stream: 'app', tag: 'v1' },
    ],
    [
      'ImageStreamTag <stream>:<tag>: another stream, this namespace',
      { kind: 'ImageStreamTag', name: 'base:v1' },
      { kind: 'ImageStreamTag', namespace: 'team', stream: 'base', tag: 'v1' },
    ],
    [
      'ImageStreamTag <thisStream>:<tag>: this stream, spelled out',
      { kind: 'ImageStreamTag', name: 'app:v1' },
      { kind: 'ImageStreamTag', namespace: 'team', stream: 'app', tag: 'v1' },
    ],
    [
      'ImageStreamTag with an empty namespace: this namespace',
      { kind: 'ImageStreamTag', name: 'base:v1', namespace: '' },
      { kind: 'ImageStreamTag', namespace: 'team', stream: 'base', tag: 'v1' },
    ],
    [
      'ImageStreamTag in another namespace',
      { kind: 'ImageStreamTag', name: 'ruby:3.3', namespace: 'openshift' },
      { kind: 'ImageStreamTag', namespace: 'openshift', stream: 'ruby', tag: '3.3' },
    ],
    [
      'ImageStreamTag bare tag in another namespace: a stream there with this name',
      { kind: 'ImageStreamTag', name: 'v1', namespace: 'openshift' },
      { kind: 'ImageStreamTag', namespace: 'openshift', stream: 'app', tag: 'v1' },
    ],
    ['ImageStreamTag: empty name', { kind: 'ImageStreamTag', name: '' }, { error: FORM }],
    ['ImageStreamTag: two colons', { kind: 'ImageStreamTag', name: 'a:b:c' }, { error: FORM }],
    ['ImageStreamTag: empty stream half', { kind: 'ImageStreamTag', name: ':v1' }, { error: FORM }],
    ['ImageStreamTag: empty tag half', { kind: 'ImageStreamTag', name: 'base:' }, { error: FORM }],
    ['ImageStreamTag: a digest is not a tag', { kind: 'ImageStreamTag', name: `base@${DIGEST}` }, { error: FORM }],
    [
      'ImageStreamTag: a pull spec is not a stream',
      { kind: 'ImageStreamTag', name: 'quay.io/acme/app:v1' },
      { error: FORM },
    ],
    ['ImageStreamTag: invalid stream name', { kind: 'ImageStreamTag', name: 'Base:v1' }, { error: FORM }],
    ['ImageStreamTag: invalid tag', { kind: 'ImageStreamTag', name: 'base:.v1' }, { error: FORM }],
    // ImageStreamImage
    [
      'ImageStreamImage <id>: an image of this stream',
      { kind: 'ImageStreamImage', name: DIGEST },
      { kind: 'ImageStreamImage', namespace: 'team', stream: 'app', id: DIGEST },
    ],
    [
      'ImageStreamImage <stream>@<id>: another stream, short id',
      { kind: 'ImageStreamImage', name: 'base@0123456' },
      { kind: 'ImageStreamImage', namespace: 'team', stream: 'base', id: '0123456' },
    ],
    [
      'ImageStreamImage in another namespace',
      { kind: 'ImageStreamImage', name: `base@${DIGEST}`, namespace: 'shared' },
      { kind: 'ImageStreamImage', namespace: 'shared', stream: 'base', id: DIGEST },
    ],
    ['ImageStreamImage: empty name', { kind: 'ImageStreamImage', name: '' }, { error: FORM }],
    ['ImageStreamImage: two @', { kind: 'ImageStreamImage', name: 'a@b@c' }, { error: FORM }],
    ['ImageStreamImage: empty stream half', { kind: 'ImageStreamImage', name: `@${DIGEST}` }, { error: FORM }],
    ['ImageStreamImage: empty id half', { kind: 'ImageStreamImage', name: 'base@' }, { error: FORM }],
    [
      'ImageStreamImage: invalid stream name',
      { kind: 'ImageStreamImage', name: `quay.io/base@${DIGEST}` },
      { error: FORM },
    ],
    // Kind
    ['unknown kind', { kind: 'ImageStream' as never, name: 'x' }, { error: KINDS }],
  ])('%s', (_label, from, expected) => {
    expect(parseTagSource(from, HERE)).toEqual(expected);
  });
});

describe('isTagSourceError', () => {
  it('tells failures from sources', () => {
    expect(isTagSourceError({ error: 'x' })).toBe(true);
    expect(isTagSourceError({ kind: 'DockerImage', pullSpec: 'nginx' })).toBe(false);
  });
});

describe('isSameStreamAlias', () => {
  it.each<[label: string, from: ObjectReference | undefined, expected: boolean]>([
    ['bare tag', { kind: 'ImageStreamTag', name: 'v1' }, true],
    ['<thisStream>:<tag>', { kind: 'ImageStreamTag', name: 'app:v1' }, true],
    ['namespace equal to this one', { kind: 'ImageStreamTag', name: 'v1', namespace: 'team' }, true],
    ['empty namespace', { kind: 'ImageStreamTag', name: 'app:v1', namespace: '' }, true],
    ['another stream', { kind: 'ImageStreamTag', name: 'base:v1' }, false],
    ['same stream name in another namespace', { kind: 'ImageStreamTag', name: 'app:v1', namespace: 'other' }, false],
    ['ImageStreamImage of this stream', { kind: 'ImageStreamImage', name: DIGEST }, false],
    ['DockerImage', { kind: 'DockerImage', name: 'v1' }, false],
    ['malformed name', { kind: 'ImageStreamTag', name: 'a:b:c' }, false],
    ['no from', undefined, false],
  ])('%s', (_label, from, expected) => {
    expect(isSameStreamAlias(from, HERE)).toBe(expected);
  });
});
