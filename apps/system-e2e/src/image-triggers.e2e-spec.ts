import { eventually, WebhookReceiver } from '@imagestreams/testing';
import { api, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';

interface Stored {
  metadata: { name: string; resourceVersion: string; generation?: number };
  spec: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- OpenShift JSON read in tests
  status?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

const mapImage = async (namespace: string, stream: string, tag: string, digest: string) => {
  const mapped = await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping(stream, tag, digest));
  expect(mapped.status).toBe(201);
};

const pullSpecOf = async (namespace: string, stream: string, tag: string): Promise<string> =>
  (await api<{ image: { dockerImageReference: string } }>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/${stream}:${tag}`)).body.image.dockerImageReference;

function deploymentConfig(name: string, automatic = true) {
  return {
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    metadata: { name },
    spec: {
      replicas: 1,
      triggers: [{ type: 'ImageChange', imageChangeParams: { automatic, containerNames: ['web'], from: { kind: 'ImageStreamTag', name: 'app:latest' } } }],
      template: { spec: { containers: [{ name: 'web', image: ' ' }] } },
    },
  };
}

describe('image triggers', () => {
  const receivers: WebhookReceiver[] = [];
  afterAll(async () => Promise.all(receivers.map((r) => r.stop())));

  it('rolls a DeploymentConfig out when its tag moves, tells subscribers, and ignores re-mapping the same image and paused triggers', async () => {
    const hooks = new WebhookReceiver();
    receivers.push(hooks);
    const url = await hooks.start();
    const namespace = await createTestNamespace('dc');
    await createSubscription(namespace, 'fired', { url, events: ['trigger.fired'] });
    const created = await api<Stored>('POST', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs`, deploymentConfig('frontend'));
    expect(created.status).toBe(201);
    expect((await api<Stored>('POST', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs`, deploymentConfig('manual', false))).status).toBe(201);

    const digest = randomDigest();
    await mapImage(namespace, 'app', 'latest', digest);
    const pullSpec = await pullSpecOf(namespace, 'app', 'latest');
    const dc = await eventually(async () => {
      const read = await api<Stored>('GET', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs/frontend`);
      return read.body.status?.['latestVersion'] === 1 ? read.body : undefined;
    }, 'the DeploymentConfig to roll out');
    expect(dc.spec['triggers'][0].imageChangeParams.lastTriggeredImage).toBe(pullSpec);
    expect(dc.spec['template'].spec.containers[0].image).toBe(pullSpec);

    const [fired] = await hooks.waitForCount(1);
    expect(JSON.parse(fired.body)).toMatchObject({
      type: 'io.imagestreams.trigger.fired.v1',
      data: { namespace, imageStream: 'app', tag: 'latest', image: pullSpec, action: 'rollout', latestVersion: '1', object: { kind: 'DeploymentConfig', name: 'frontend' } },
    });

    // The same image again moves nothing, so nothing fires; the paused DC never changed.
    await mapImage(namespace, 'app', 'latest', digest);
    await mapImage(namespace, 'other', 'latest', randomDigest());
    const again = await api<Stored>('GET', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs/frontend`);
    expect(again.body.status?.['latestVersion']).toBe(1);
    const manual = await api<Stored>('GET', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs/manual`);
    expect(manual.body.status?.['latestVersion'] ?? 0).toBe(0);
    expect(manual.body.spec['template'].spec.containers[0].image).toBe(' ');

    // A second real move rolls out again.
    await mapImage(namespace, 'app', 'latest', randomDigest());
    await eventually(async () => ((await api<Stored>('GET', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs/frontend`)).body.status?.['latestVersion'] === 2 ? true : undefined), 'a second rollout');
    expect(hooks.received.map((r) => JSON.parse(r.body).data.object.name)).toEqual(['frontend', 'frontend']);
  });

  it('fires at once for a tag that already resolves (the initial trigger)', async () => {
    const namespace = await createTestNamespace('initial');
    await mapImage(namespace, 'app', 'latest', randomDigest());
    const created = await api<Stored>('POST', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs`, deploymentConfig('frontend'));
    expect(created.status).toBe(201);
    expect(created.body.status?.['latestVersion']).toBe(1);
    expect(created.body.spec['template'].spec.containers[0].image).toBe(await pullSpecOf(namespace, 'app', 'latest'));
  });

  it('requests a Build for a BuildConfig, and a Complete build moves its output tag', async () => {
    const namespace = await createTestNamespace('bc');
    const bc = {
      apiVersion: 'build.openshift.io/v1',
      kind: 'BuildConfig',
      metadata: { name: 'site' },
      spec: {
        source: { git: { uri: 'https://example.com/site.git' } },
        strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'ruby:3.3' } } },
        output: { to: { kind: 'ImageStreamTag', name: 'site:latest' } },
        triggers: [{ type: 'ImageChange', imageChange: {} }],
      },
    };
    expect((await api('POST', `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs`, bc)).status).toBe(201);
    await mapImage(namespace, 'ruby', '3.3', randomDigest());
    const rubySpec = await pullSpecOf(namespace, 'ruby', '3.3');
    const build = await eventually(async () => {
      const read = await api<Stored>('GET', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds/site-1`);
      return read.status === 200 ? read.body : undefined;
    }, 'the build to be requested');
    expect(build.status).toMatchObject({ phase: 'New', config: { name: 'site' } });
    expect(build.spec['strategy'].sourceStrategy.from).toEqual({ kind: 'DockerImage', name: rubySpec });
    expect(build.spec['triggeredBy'][0]).toMatchObject({ message: 'Image change' });
    const readBc = await api<Stored>('GET', `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs/site`);
    expect(readBc.body.status).toMatchObject({ lastVersion: 1 });

    const output = randomDigest();
    const running = await api<Stored>('PATCH', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds/site-1`, { status: { phase: 'Running' } });
    expect(running.status).toBe(200);
    const complete = await api<Stored>('PATCH', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds/site-1`, { status: { phase: 'Complete', output: { to: { imageDigest: output } } } });
    expect(complete.status).toBe(200);
    const istag = await api<{ image: { metadata: { name: string } } }>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/site:latest`);
    expect(istag.body.image.metadata.name).toBe(output);

    expect((await api('PATCH', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds/site-1`, { status: { phase: 'Running' } })).status).toBe(409);
    expect((await api('PATCH', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds/site-1`, { spec: {} })).status).toBe(400);
    expect((await api('PATCH', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds/site-1`, { status: { phase: 'Done' } })).status).toBe(422);
  });

  it('rewrites the image of a Deployment with the triggers annotation, and rejects a malformed annotation', async () => {
    const namespace = await createTestNamespace('annotated');
    const deployment = (annotation: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', annotations: { 'image.openshift.io/triggers': annotation } },
      spec: { template: { spec: { containers: [{ name: 'web', image: 'placeholder' }] } } },
    });
    const good = JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:prod' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' }]);
    for (const bad of ['not json', JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:prod' }, fieldPath: 'spec.template.spec.containers[?(@.name=="api")].image' }]), JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:prod' }, fieldPath: 'spec.template.spec.containers[0].image', paused: 'false' }])]) {
      const refused = await api<{ reason: string; details: { causes: { field: string }[] } }>('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, deployment(bad));
      expect(refused.status).toBe(422);
      expect(refused.body.details.causes[0].field).toBe('metadata.annotations[image.openshift.io/triggers]');
    }
    expect((await api('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/web`)).status).toBe(404);

    expect((await api('POST', `/apis/apps/v1/namespaces/${namespace}/deployments`, deployment(good))).status).toBe(201);
    await mapImage(namespace, 'app', 'prod', randomDigest());
    const pullSpec = await pullSpecOf(namespace, 'app', 'prod');
    const updated = await eventually(async () => {
      const read = await api<Stored>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/web`);
      return read.body.spec['template'].spec.containers[0].image === pullSpec ? read.body : undefined;
    }, 'the container image to be rewritten');
    expect(updated.metadata.generation).toBe(2);

    const stale = await api('PUT', `/apis/apps/v1/namespaces/${namespace}/deployments/web`, { ...deployment(good), metadata: { ...deployment(good).metadata, resourceVersion: '1' } });
    expect(stale.status).toBe(409);
    expect((await api('POST', `/apis/apps/v1/namespaces/missing-ns-${Date.now()}/deployments`, deployment(good))).status).toBe(404);
  });
});
