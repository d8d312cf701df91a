import { pullThroughOrigin } from './pull-through';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const OWN_HOSTS = ['image-registry.local:5000', 'registry.example.com'];

describe('pullThroughOrigin', () => {
  it('answers the newest entry that imported the image from another registry', () => {
    const origin = pullThroughOrigin(
      DIGEST,
      [
        { tag: 'v2', dockerImageReference: `quay.io/team/app@${DIGEST}` },
        { tag: 'v1', dockerImageReference: `mirror.example.org/team/app@${DIGEST}` },
      ],
      OWN_HOSTS,
      [],
    );
    expect(origin).toEqual({ dockerImageReference: `quay.io/team/app@${DIGEST}`, insecure: false });
  });

  it('passes over entries that name this registry (pushed images and re-pointed copies)', () => {
    const origin = pullThroughOrigin(
      DIGEST,
      [
        { tag: 'pushed', dockerImageReference: `image-registry.local:5000/ns/app@${DIGEST}` },
        { tag: 'public', dockerImageReference: `REGISTRY.example.com/ns/app@${DIGEST}` },
        { tag: 'imported', dockerImageReference: `quay.io/team/app@${DIGEST}` },
      ],
      OWN_HOSTS,
      [],
    );
    expect(origin?.dockerImageReference).toBe(`quay.io/team/app@${DIGEST}`);
    expect(pullThroughOrigin(DIGEST, [{ tag: 'pushed', dockerImageReference: `image-registry.local:5000/ns/app@${DIGEST}` }], OWN_HOSTS, [])).toBeUndefined();
  });

  it('needs the pull spec to name the image by that digest', () => {
    const entries = [
      { tag: 'by-tag', dockerImageReference: 'quay.io/team/app:latest' },
      { tag: 'other', dockerImageReference: `quay.io/team/app@${OTHER}` },
      { tag: 'broken', dockerImageReference: 'not a reference' },
    ];
    expect(pullThroughOrigin(DIGEST, entries, OWN_HOSTS, [])).toBeUndefined();
  });

  it('treats a pull spec without a registry as Docker Hub, not as this registry', () => {
    expect(pullThroughOrigin(DIGEST, [{ tag: 'latest', dockerImageReference: `library/nginx@${DIGEST}` }], OWN_HOSTS, [])).toEqual({
      dockerImageReference: `library/nginx@${DIGEST}`,
      insecure: false,
    });
  });

  it('allows plain HTTP only when the importing tag allowed it', () => {
    const entries = [{ tag: 'dev', dockerImageReference: `127.0.0.1:5000/team/app@${DIGEST}` }];
    expect(pullThroughOrigin(DIGEST, entries, OWN_HOSTS, [{ name: 'dev', importPolicy: { insecure: true } }])?.insecure).toBe(true);
    expect(pullThroughOrigin(DIGEST, entries, OWN_HOSTS, [{ name: 'prod', importPolicy: { insecure: true } }])?.insecure).toBe(false);
    expect(pullThroughOrigin(DIGEST, entries, OWN_HOSTS, [{ name: 'dev', importPolicy: { insecure: false } }])?.insecure).toBe(false);
  });
});
