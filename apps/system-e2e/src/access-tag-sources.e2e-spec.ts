import { api, createTestNamespace, mapping, randomDigest } from './support/api';
import { bindRole, forbiddenStatus, serviceAccountCaller, type Caller, type StatusBody } from './support/access';

/**
 * Tagging from another namespace's stream (`oc tag a/src:v1 b/app:v1`) lets whoever may pull
 * `b/app` pull `a`'s image, so it needs `get imagestreams/layers` on the source stream, as
 * OpenShift asks (docs/access-control.md). Both ways of writing such a tag are covered: an
 * ImageStreamTag write and an ImageStream whose spec tag comes from the other namespace.
 */

const IMAGE = 'image.openshift.io';

describe('tags whose source is in another namespace', () => {
  let source: string;
  let target: string;
  let sourceImage: string;
  /** `edit` in the target namespace only. */
  let tagger: Caller;

  const tagsOf = (namespace: string) => `/apis/${IMAGE}/v1/namespaces/${namespace}/imagestreamtags`;
  const streamsOf = (namespace: string) => `/apis/${IMAGE}/v1/namespaces/${namespace}/imagestreams`;
  const fromSource = () => ({ kind: 'ImageStreamTag', namespace: source, name: 'src:v1' });
  const tagBody = (name: string, from: Record<string, string>) => ({ apiVersion: `${IMAGE}/v1`, kind: 'ImageStreamTag', metadata: { name }, tag: { from } });
  const streamBody = (name: string, from: Record<string, string>) => ({ apiVersion: `${IMAGE}/v1`, kind: 'ImageStream', metadata: { name }, spec: { tags: [{ name: 'v1', from }] } });

  beforeAll(async () => {
    source = await createTestNamespace('tag-src');
    target = await createTestNamespace('tag-dst');
    sourceImage = randomDigest();
    const pushed = await api('POST', `/apis/${IMAGE}/v1/namespaces/${source}/imagestreammappings`, mapping('src', 'v1', sourceImage));
    if (pushed.status !== 201) throw new Error(`setup: ${pushed.status} ${JSON.stringify(pushed.body)}`);
    tagger = await serviceAccountCaller(target, 'tagger', ['edit']);
  }, 60_000);

  /** The denial names what is missing: pulling from the source namespace. */
  const missingPull = () => forbiddenStatus(tagger.username, { verb: 'get', group: IMAGE, resource: 'imagestreams/layers', namespace: source });

  it('refuses an ImageStreamTag write from the other namespace without pull rights there (403), and writes nothing', async () => {
    const put = await api<StatusBody>('PUT', `${tagsOf(target)}/app:v1`, tagBody('app:v1', fromSource()), { token: tagger.token });
    expect(put.status).toBe(403);
    expect(put.body).toMatchObject(missingPull());
    const post = await api<StatusBody>('POST', tagsOf(target), tagBody('app:v2', fromSource()), { token: tagger.token });
    expect(post.status).toBe(403);
    expect(post.body).toMatchObject(missingPull());
    expect((await api('GET', `${streamsOf(target)}/app`)).status).toBe(404);
  });

  it('refuses an ImageStream whose spec tag comes from the other namespace (403), and writes nothing', async () => {
    const created = await api<StatusBody>('POST', streamsOf(target), streamBody('mirror', fromSource()), { token: tagger.token });
    expect(created.status).toBe(403);
    expect(created.body).toMatchObject(missingPull());
    expect((await api('GET', `${streamsOf(target)}/mirror`)).status).toBe(404);
  });

  it('needs nothing more for a source in the same namespace (the control)', async () => {
    const own = randomDigest();
    expect((await api('POST', `/apis/${IMAGE}/v1/namespaces/${target}/imagestreammappings`, mapping('own', 'v1', own), { token: tagger.token })).status).toBe(201);
    const tagged = await api<{ image: { metadata: { name: string } } }>('PUT', `${tagsOf(target)}/copy:v1`, tagBody('copy:v1', { kind: 'ImageStreamTag', namespace: target, name: 'own:v1' }), { token: tagger.token });
    expect(tagged.status).toBe(200);
    expect(tagged.body.image.metadata.name).toBe(own);
  });

  it('allows both once system:image-puller is bound to the tagger in the source namespace, and the tags point at its image', async () => {
    await bindRole(source, { kind: 'ServiceAccount', namespace: target, name: 'tagger' }, 'system:image-puller');

    const put = await api<{ image: { metadata: { name: string } } }>('PUT', `${tagsOf(target)}/app:v1`, tagBody('app:v1', fromSource()), { token: tagger.token });
    expect({ status: put.status, image: put.body.image?.metadata.name }).toEqual({ status: 200, image: sourceImage });

    const created = await api('POST', streamsOf(target), streamBody('mirror', fromSource()), { token: tagger.token });
    expect(created.status).toBe(201);
    // ImageStreamTag sources are resolved when the spec is written, across namespaces too.
    const mirrored = await api<{ image: { metadata: { name: string } } }>('GET', `${tagsOf(target)}/mirror:v1`, undefined, { token: tagger.token });
    expect({ status: mirrored.status, image: mirrored.body.image?.metadata.name }).toEqual({ status: 200, image: sourceImage });
  });

  it('still gives the tagger nothing else in the source namespace: pulling is all', async () => {
    const read = await api<StatusBody>('GET', `${streamsOf(source)}/src`, undefined, { token: tagger.token });
    expect(read.status).toBe(403);
    const write = await api<StatusBody>('PUT', `${tagsOf(source)}/src:v2`, tagBody('src:v2', { kind: 'ImageStreamTag', namespace: target, name: 'own:v1' }), { token: tagger.token });
    expect(write.status).toBe(403);
    expect(write.body).toMatchObject(forbiddenStatus(tagger.username, { verb: 'update', group: IMAGE, resource: 'imagestreamtags', namespace: source }));
  });
});
