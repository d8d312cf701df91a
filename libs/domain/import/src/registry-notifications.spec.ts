import {
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
  OCI_IMAGE_INDEX_MEDIA_TYPE,
  OCI_IMAGE_MANIFEST_MEDIA_TYPE,
} from '@imagestreams/domain-registry';
import { MAX_NOTICES_PER_NOTIFICATION, parseRegistryNotification, PushNotice } from './registry-notifications';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER_DIGEST = `sha256:${'b'.repeat(64)}`;

function distributionEvent(target: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'e1',
    timestamp: '2026-11-27T10:00:00Z',
    action: 'push',
    target: { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, size: 100, digest: DIGEST, repository: 'acme/app', ...target },
    request: { id: 'r1', addr: '10.0.0.5:4321', host: 'registry.example.com:5000', method: 'PUT', useragent: 'docker/27' },
    actor: { name: 'ci' },
    source: { addr: 'registry-0:5000', instanceID: 'x' },
    ...overrides,
  };
}

describe('parseRegistryNotification', () => {
  describe('CNCF distribution envelopes', () => {
    it.each<[label: string, events: unknown[], expected: PushNotice[]]>([
      [
        'a tagged manifest push',
        [distributionEvent({ tag: '1.2' })],
        [{ registry: 'registry.example.com:5000', repository: 'acme/app', tag: '1.2', digest: DIGEST }],
      ],
      [
        'a push by digest',
        [distributionEvent({})],
        [{ registry: 'registry.example.com:5000', repository: 'acme/app', digest: DIGEST }],
      ],
      [
        'every manifest media type counts, with parameters and any case',
        [
          distributionEvent({ mediaType: DOCKER_MANIFEST_MEDIA_TYPE, tag: 'a' }),
          distributionEvent({ mediaType: `${OCI_IMAGE_INDEX_MEDIA_TYPE}; charset=utf-8`, tag: 'b' }),
          distributionEvent({ mediaType: DOCKER_MANIFEST_LIST_MEDIA_TYPE.toUpperCase(), tag: 'c' }),
        ],
        ['a', 'b', 'c'].map((tag) => ({ registry: 'registry.example.com:5000', repository: 'acme/app', tag, digest: DIGEST })),
      ],
      [
        'blob, layer and config pushes are ignored',
        [
          distributionEvent({ mediaType: 'application/octet-stream' }),
          distributionEvent({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }),
          distributionEvent({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' }),
          distributionEvent({ mediaType: 'application/vnd.oci.image.config.v1+json' }),
          distributionEvent({ mediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws', tag: 'old' }),
          distributionEvent({ mediaType: undefined, tag: 'x' }),
        ],
        [],
      ],
      [
        'pulls, deletes and mounts are ignored',
        [
          distributionEvent({ tag: 'x' }, { action: 'pull' }),
          distributionEvent({ tag: 'x' }, { action: 'delete' }),
          distributionEvent({ tag: 'x' }, { action: 'mount' }),
        ],
        [],
      ],
      [
        'the registry comes from target.url when request.host is missing',
        [distributionEvent({ tag: 'v1', url: `https://Mirror.Example.com/v2/acme/app/manifests/${DIGEST}` }, { request: {} })],
        [{ registry: 'mirror.example.com', repository: 'acme/app', tag: 'v1', digest: DIGEST }],
      ],
      [
        'no registry when neither says',
        [distributionEvent({ tag: 'v1' }, { request: undefined })],
        [{ repository: 'acme/app', tag: 'v1', digest: DIGEST }],
      ],
      [
        'an unusable host is dropped, the notice kept',
        [distributionEvent({ tag: 'v1' }, { request: { host: 'evil.example/../x' } })],
        [{ repository: 'acme/app', tag: 'v1', digest: DIGEST }],
      ],
      [
        'invalid repositories, tags and digests drop the event',
        [
          distributionEvent({ repository: 'Acme/App', tag: 'ok' }),
          distributionEvent({ repository: 'acme/app:latest' }),
          distributionEvent({ repository: '../../etc' }),
          distributionEvent({ tag: 'bad tag' }),
          distributionEvent({ tag: 7 }),
          distributionEvent({ digest: 'sha256:short' }),
        ],
        [],
      ],
      [
        'duplicates collapse and junk entries are skipped',
        [distributionEvent({ tag: 'v1' }), null, 42, 'push', [], distributionEvent({ tag: 'v1' })],
        [{ registry: 'registry.example.com:5000', repository: 'acme/app', tag: 'v1', digest: DIGEST }],
      ],
      ['an empty envelope', [], []],
    ])('%s', (_label, events, expected) => {
      expect(parseRegistryNotification({ events })).toEqual(expected);
    });
  });

  describe('Docker Hub', () => {
    const hub = (repoName: unknown, tag?: unknown) => ({
      callback_url: 'https://registry.hub.docker.com/u/acme/app/hook/x/',
      push_data: { pushed_at: 1_800_000_000, pusher: 'acme', ...(tag === undefined ? {} : { tag }) },
      repository: { repo_name: repoName, name: 'app', namespace: 'acme', status: 'Active' },
    });

    it.each<[label: string, body: unknown, expected: PushNotice[]]>([
      ['a tag push', hub('acme/app', 'v2'), [{ registry: 'docker.io', repository: 'acme/app', tag: 'v2' }]],
      ['an official image gets library/', hub('nginx', '1.27'), [{ registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }]],
      ['no tag', hub('acme/app'), [{ registry: 'docker.io', repository: 'acme/app' }]],
      ['an empty tag means none', hub('acme/app', ''), [{ registry: 'docker.io', repository: 'acme/app' }]],
      ['an invalid repository', hub('Acme/App', 'v2'), []],
      ['a missing repository name', hub(undefined, 'v2'), []],
    ])('%s', (_label, body, expected) => {
      expect(parseRegistryNotification(body)).toEqual(expected);
    });
  });

  describe('Harbor', () => {
    const harbor = (type: string, resources: unknown[]) => ({
      type,
      occur_at: 1_800_000_000,
      operator: 'admin',
      event_data: {
        resources,
        repository: { date_created: 1, name: 'nginx', namespace: 'library', repo_full_name: 'library/nginx', repo_type: 'public' },
      },
    });

    it.each<[label: string, body: unknown, expected: PushNotice[]]>([
      [
        'a Harbor 2 artifact push',
        harbor('PUSH_ARTIFACT', [{ digest: DIGEST, tag: '1.27', resource_url: 'harbor.example.com/library/nginx:1.27' }]),
        [{ registry: 'harbor.example.com', repository: 'library/nginx', tag: '1.27', digest: DIGEST }],
      ],
      [
        'a Harbor 1 image push, with a port in the URL',
        harbor('pushImage', [{ digest: DIGEST, tag: 'latest', resource_url: 'harbor.example.com:8443/library/nginx:latest' }]),
        [{ registry: 'harbor.example.com:8443', repository: 'library/nginx', tag: 'latest', digest: DIGEST }],
      ],
      [
        'several artifacts, one untagged, one URL with a scheme',
        harbor('PUSH_ARTIFACT', [
          { digest: DIGEST, tag: 'a', resource_url: 'https://harbor.example.com/library/nginx:a' },
          { digest: OTHER_DIGEST, tag: '', resource_url: `harbor.example.com/library/nginx@${OTHER_DIGEST}` },
        ]),
        [
          { registry: 'harbor.example.com', repository: 'library/nginx', tag: 'a', digest: DIGEST },
          { registry: 'harbor.example.com', repository: 'library/nginx', digest: OTHER_DIGEST },
        ],
      ],
      [
        'no resource URL leaves the registry unknown',
        harbor('PUSH_ARTIFACT', [{ digest: DIGEST, tag: 'a' }]),
        [{ repository: 'library/nginx', tag: 'a', digest: DIGEST }],
      ],
      ['other event types are ignored', harbor('DELETE_ARTIFACT', [{ digest: DIGEST, tag: 'a', resource_url: 'h.example/library/nginx:a' }]), []],
      ['pull events are ignored', harbor('PULL_ARTIFACT', [{ digest: DIGEST, tag: 'a', resource_url: 'h.example/library/nginx:a' }]), []],
    ])('%s', (_label, body, expected) => {
      expect(parseRegistryNotification(body)).toEqual(expected);
    });
  });

  describe('Quay', () => {
    const quay = (updatedTags: unknown, dockerUrl = 'quay.io/acme/app') => ({
      name: 'app',
      repository: 'acme/app',
      namespace: 'acme',
      docker_url: dockerUrl,
      homepage: 'https://quay.io/repository/acme/app',
      updated_tags: updatedTags,
    });

    it.each<[label: string, body: unknown, expected: PushNotice[]]>([
      [
        'one notice per updated tag',
        quay(['latest', 'v1.2']),
        [
          { registry: 'quay.io', repository: 'acme/app', tag: 'latest' },
          { registry: 'quay.io', repository: 'acme/app', tag: 'v1.2' },
        ],
      ],
      [
        'a self-hosted Quay with a port',
        quay(['v1'], 'quay.corp.example:8443/acme/app'),
        [{ registry: 'quay.corp.example:8443', repository: 'acme/app', tag: 'v1' }],
      ],
      ['no updated tags: the repository as a whole', quay([]), [{ registry: 'quay.io', repository: 'acme/app' }]],
      ['invalid and blank tags are skipped', quay(['ok', 'not ok', null, 3, '']), [{ registry: 'quay.io', repository: 'acme/app', tag: 'ok' }]],
      ['a docker_url without a path gives no registry', quay(['v1'], 'quay.io'), [{ repository: 'acme/app', tag: 'v1' }]],
    ])('%s', (_label, body, expected) => {
      expect(parseRegistryNotification(body)).toEqual(expected);
    });
  });

  describe('garbage', () => {
    let deep: unknown = { events: [] };
    for (let i = 0; i < 100_000; i++) deep = { events: [deep], push_data: deep };

    it.each<[label: string, body: unknown]>([
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a string', '{"events":[]}'],
      ['an array', [distributionEvent({ tag: 'v1' })]],
      ['an empty object', {}],
      ['an unknown shape', { kind: 'Event', object: {} }],
      ['events that is not an array', { events: { 0: distributionEvent({ tag: 'v1' }) } }],
      ['a target that is not an object', { events: [{ action: 'push', target: 'acme/app:v1' }] }],
      ['Docker Hub parts of the wrong type', { push_data: 'v1', repository: { repo_name: 'acme/app' } }],
      ['Harbor data of the wrong type', { type: 'PUSH_ARTIFACT', event_data: { resources: 'all' } }],
      ['deeply nested input', deep],
    ])('%s yields nothing', (_label, body) => {
      expect(parseRegistryNotification(body)).toEqual([]);
    });

    it('does not trip over objects whose keys shadow Object.prototype', () => {
      const body = JSON.parse('{"__proto__": {"events": [1]}, "constructor": "x", "push_data": {"tag": "v1"}, "repository": {"repo_name": "acme/app"}}');
      expect(parseRegistryNotification(body)).toEqual([{ registry: 'docker.io', repository: 'acme/app', tag: 'v1' }]);
    });

    it('caps the number of notices from one payload', () => {
      const events = Array.from({ length: MAX_NOTICES_PER_NOTIFICATION * 20 }, (_, i) => distributionEvent({ tag: `t${i}` }));
      const notices = parseRegistryNotification({ events });
      expect(notices).toHaveLength(MAX_NOTICES_PER_NOTIFICATION);
      expect(notices[0].tag).toBe('t0');
    });
  });
});
