import { InvalidReferenceError } from '@imagestreams/image-reference';
import { ImportSource, parseImportSource, sourceMatchesNotice } from './import-target';
import type { PushNotice } from './registry-notifications';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

describe('parseImportSource', () => {
  it.each<[name: string, expected: ImportSource]>([
    [
      'nginx',
      { registry: 'registry-1.docker.io', displayRegistry: 'docker.io', repository: 'library/nginx', tag: 'latest', reference: 'docker.io/library/nginx:latest' },
    ],
    [
      'acme/app:1.2',
      { registry: 'registry-1.docker.io', displayRegistry: 'docker.io', repository: 'acme/app', tag: '1.2', reference: 'docker.io/acme/app:1.2' },
    ],
    [
      'index.docker.io/library/busybox',
      { registry: 'registry-1.docker.io', displayRegistry: 'docker.io', repository: 'library/busybox', tag: 'latest', reference: 'docker.io/library/busybox:latest' },
    ],
    [
      'quay.io/acme/app:v1',
      { registry: 'quay.io', displayRegistry: 'quay.io', repository: 'acme/app', tag: 'v1', reference: 'quay.io/acme/app:v1' },
    ],
    [
      `localhost:5000/team/app@${DIGEST}`,
      { registry: 'localhost:5000', displayRegistry: 'localhost:5000', repository: 'team/app', digest: DIGEST, reference: `localhost:5000/team/app@${DIGEST}` },
    ],
    [
      `registry.example.com/app:1.0@${DIGEST}`,
      {
        registry: 'registry.example.com',
        displayRegistry: 'registry.example.com',
        repository: 'app',
        tag: '1.0',
        digest: DIGEST,
        reference: `registry.example.com/app:1.0@${DIGEST}`,
      },
    ],
  ])('%s', (name, expected) => {
    expect(parseImportSource(name)).toStrictEqual(expected);
  });

  it.each(['', 'Nginx', 'nginx:bad tag', 'quay.io/acme/app@sha256:short', 'a@b@c'])('rejects %j', (name) => {
    expect(() => parseImportSource(name)).toThrow(InvalidReferenceError);
  });
});

describe('sourceMatchesNotice', () => {
  const hubTag = parseImportSource('acme/app:v1');
  const quayTag = parseImportSource('quay.io/acme/app:v1');
  const pinned = parseImportSource(`quay.io/acme/app@${DIGEST}`);
  const pinnedWithTag = parseImportSource(`quay.io/acme/app:v1@${DIGEST}`);

  it.each<[label: string, source: ImportSource, notice: PushNotice, expected: boolean]>([
    ['the same tag', quayTag, { registry: 'quay.io', repository: 'acme/app', tag: 'v1' }, true],
    ['the same tag with its digest', quayTag, { registry: 'quay.io', repository: 'acme/app', tag: 'v1', digest: OTHER_DIGEST }, true],
    ['another tag', quayTag, { registry: 'quay.io', repository: 'acme/app', tag: 'v2' }, false],
    ['a digest-only push moves no tag', quayTag, { registry: 'quay.io', repository: 'acme/app', digest: OTHER_DIGEST }, false],
    ['a repository-wide notice', quayTag, { registry: 'quay.io', repository: 'acme/app' }, true],
    ['another repository', quayTag, { registry: 'quay.io', repository: 'acme/other', tag: 'v1' }, false],
    ['another registry', quayTag, { registry: 'ghcr.io', repository: 'acme/app', tag: 'v1' }, false],
    ['another port', quayTag, { registry: 'quay.io:8443', repository: 'acme/app', tag: 'v1' }, false],
    ['a registry differing only in case', quayTag, { registry: 'Quay.IO', repository: 'acme/app', tag: 'v1' }, true],
    ['no registry in the notice', quayTag, { repository: 'acme/app', tag: 'v1' }, false],
    ['Docker Hub as docker.io', hubTag, { registry: 'docker.io', repository: 'acme/app', tag: 'v1' }, true],
    ['Docker Hub as index.docker.io', hubTag, { registry: 'index.docker.io', repository: 'acme/app', tag: 'v1' }, true],
    ['Docker Hub as its API host', hubTag, { registry: 'registry-1.docker.io', repository: 'acme/app', tag: 'v1' }, true],
    ['an official image', parseImportSource('nginx'), { registry: 'docker.io', repository: 'library/nginx', tag: 'latest' }, true],
    ['a pinned source and its digest', pinned, { registry: 'quay.io', repository: 'acme/app', digest: DIGEST }, true],
    ['a pinned source and its digest pushed with a tag', pinned, { registry: 'quay.io', repository: 'acme/app', tag: 'x', digest: DIGEST }, true],
    ['a pinned source and another digest', pinned, { registry: 'quay.io', repository: 'acme/app', digest: OTHER_DIGEST }, false],
    ['a pinned source and a tag push', pinnedWithTag, { registry: 'quay.io', repository: 'acme/app', tag: 'v1' }, false],
    ['a pinned source and a repository-wide notice', pinned, { registry: 'quay.io', repository: 'acme/app' }, false],
  ])('%s → %s', (_label, source, notice, expected) => {
    expect(sourceMatchesNotice(source, notice)).toBe(expected);
  });
});
