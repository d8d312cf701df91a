import { eventually, WebhookReceiver } from '@imagestreams/testing';
import { api, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';
import { serviceAccountCaller, type Caller } from './support/access';
import { removeTempDirs, writeOciLayout } from './support/oci-layout';
import { dockerRef, skopeoCopy } from './support/skopeo';

/**
 * Tag-change events name who moved the tag (docs/access-control.md, "Audit"): the caller the
 * gateway authenticated, whether the tag moved through the API or through a registry push.
 */

interface TagChanged {
  type: string;
  data: { namespace: string; imageStream: string; tag: string; actor: string; current: { image: string } };
}

describe('tag-change events carry the actor', () => {
  const receiver = new WebhookReceiver();
  let namespace: string;
  let mover: Caller;

  /** The delivered tag.changed event of `<stream>:<tag>`, once it arrived. */
  function delivered(stream: string, tag: string): Promise<TagChanged> {
    return eventually(async () => {
      const events = receiver.received.map((request) => JSON.parse(request.body) as TagChanged);
      return events.find((event) => event.data.imageStream === stream && event.data.tag === tag);
    }, `the tag.changed event of ${stream}:${tag}`);
  }

  beforeAll(async () => {
    const url = await receiver.start();
    namespace = await createTestNamespace('access-actor');
    await createSubscription(namespace, 'actors', { url, events: ['tag.changed'] });
    mover = await serviceAccountCaller(namespace, 'mover', ['edit']);
  }, 60_000);

  afterAll(async () => {
    await receiver.stop();
    await removeTempDirs();
  });

  it('names the service account that posted an ImageStreamMapping with its token', async () => {
    const digest = randomDigest();
    const moved = await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'v1', digest), { token: mover.token });
    expect(moved.status).toBe(201);
    const event = await delivered('web', 'v1');
    expect(event).toMatchObject({ type: 'io.imagestreams.tag.changed.v1', data: { namespace, imageStream: 'web', tag: 'v1', actor: `system:serviceaccount:${namespace}:mover`, current: { image: digest } } });
  });

  it('names the same service account when it pushes with skopeo --dest-creds', async () => {
    const layout = await writeOciLayout({ layerSize: 256 });
    await skopeoCopy(layout.reference, dockerRef(`${namespace}/pushed`, 'v1'), ['--dest-creds', `x:${mover.token}`], { token: null });
    const event = await delivered('pushed', 'v1');
    expect(event.data).toMatchObject({ imageStream: 'pushed', tag: 'v1', actor: `system:serviceaccount:${namespace}:mover`, current: { image: layout.digest } });
  });

  it('names the admin for the admin\'s move (the actor is the caller, not a constant)', async () => {
    expect((await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'v2', randomDigest()))).status).toBe(201);
    expect((await delivered('web', 'v2')).data.actor).toBe('admin');
  });
});
