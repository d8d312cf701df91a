import { eventually, WebhookReceiver } from '@imagestreams/testing';
import { api, createSubscription, createTestNamespace, gatewayUrl, mapping, randomDigest } from './support/api';

interface Stored {
  metadata: { name: string; uid?: string; resourceVersion: string; generation?: number };
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
    const both = await hooks.waitForCount(2);
    expect(both.map((r) => JSON.parse(r.body).data).sort((a, b) => Number(a.latestVersion) - Number(b.latestVersion))).toMatchObject([{ object: { name: 'frontend' }, latestVersion: '1' }, { object: { name: 'frontend' }, latestVersion: '2' }]);
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

  it('deletes a BuildConfig with its Builds, so one re-created under the same name builds again from -1', async () => {
    const namespace = await createTestNamespace('bc-delete');
    const buildConfigs = `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs`;
    const builds = `/apis/build.openshift.io/v1/namespaces/${namespace}/builds`;
    const bc = {
      apiVersion: 'build.openshift.io/v1',
      kind: 'BuildConfig',
      metadata: { name: 'app' },
      spec: { strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'builder:latest' } } }, triggers: [{ type: 'ImageChange', imageChange: {} }] },
    };
    // The builder tag resolves already: each create fires the initial build (app-1) in the same transaction.
    await mapImage(namespace, 'builder', 'latest', randomDigest());
    const first = await api<Stored>('POST', buildConfigs, bc);
    expect(first.status).toBe(201);
    const firstBuild = await api<Stored>('GET', `${builds}/app-1`);
    expect(firstBuild.status).toBe(200);

    expect((await api('DELETE', `${buildConfigs}/app`)).status).toBe(200);
    expect((await api('GET', `${builds}/app-1`)).status).toBe(404);
    expect((await api<{ items: Stored[] }>('GET', builds)).body.items).toEqual([]);

    const again = await api<Stored>('POST', buildConfigs, bc);
    expect(again.status).toBe(201);
    expect(again.body.status).toMatchObject({ lastVersion: 1 });
    const secondBuild = await api<Stored>('GET', `${builds}/app-1`);
    expect(secondBuild.status).toBe(200);
    expect(secondBuild.body.metadata.uid).not.toBe(firstBuild.body.metadata.uid);
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

  it('builds from GitHub and generic webhooks with the right secret and branch, and refuses everything else alike', async () => {
    const namespace = await createTestNamespace('hooks');
    const bc = {
      apiVersion: 'build.openshift.io/v1',
      kind: 'BuildConfig',
      metadata: { name: 'app' },
      spec: {
        source: { git: { uri: 'https://example.com/app.git', ref: 'main' } },
        strategy: { type: 'Source', sourceStrategy: { from: { kind: 'DockerImage', name: 'ruby:3.3' } } },
        triggers: [
          { type: 'GitHub', github: { secret: 'gh-secret-1' } },
          { type: 'Generic', generic: { secret: 'generic-secret-1', allowEnv: true } },
        ],
      },
    };
    expect((await api('POST', `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs`, bc)).status).toBe(201);
    const hook = (secret: string, type: string) => `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs/app/webhooks/${secret}/${type}`;
    // Callers of inbound webhooks (GitHub, CI) send no credentials: the secret in the URL is theirs.
    const github = async (secret: string, event: string, body: unknown) => {
      const response = await fetch(`${gatewayUrl()}${hook(secret, 'github')}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': event }, body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const push = { ref: 'refs/heads/main', after: 'abc123', head_commit: { id: 'abc123', message: 'fix', author: { name: 'A', email: 'a@example.com' }, committer: { name: 'A', email: 'a@example.com' } } };

    const built = await github('gh-secret-1', 'push', push);
    expect(built.status).toBe(200);
    expect(built.body).toMatchObject({ kind: 'Build', metadata: { name: 'app-1' }, status: { phase: 'New' }, spec: { revision: { git: { commit: 'abc123' } } } });
    expect(built.body['spec'].triggeredBy[0].message).toBe('GitHub WebHook');

    const otherBranch = await github('gh-secret-1', 'push', { ...push, ref: 'refs/heads/feature' });
    expect(otherBranch.status).toBe(200);
    expect(otherBranch.body['kind']).toBe('Status');
    expect((await github('gh-secret-1', 'ping', {})).body['kind']).toBe('Status');
    const wrong = await github('wrong-secret', 'push', push);
    expect(wrong.status).toBe(401);
    const missing = await api('POST', `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs/nope/webhooks/gh-secret-1/github`, push, { token: null });
    expect(missing.status).toBe(401);
    expect((missing.body as { message: string }).message).toBe((wrong.body as { message: string }).message.replace('"app"', '"nope"'));
    expect((await api('POST', hook('gh-secret-1', 'svn'), {}, { token: null })).status).toBe(404);

    const generic = await api<Record<string, any>>('POST', hook('generic-secret-1', 'generic'), { git: { ref: 'main', commit: 'def456' }, env: [{ name: 'EXAMPLE', value: 'sample-app' }] }, { token: null }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(generic.status).toBe(200);
    expect(generic.body['metadata'].name).toBe('app-2');
    expect(generic.body['spec'].strategy.sourceStrategy.env).toContainEqual({ name: 'EXAMPLE', value: 'sample-app' });
    const yaml = await fetch(`${gatewayUrl()}${hook('generic-secret-1', 'generic')}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'not: json' });
    expect(yaml.status).toBe(200);
    expect(((await api<{ items: unknown[] }>('GET', `/apis/build.openshift.io/v1/namespaces/${namespace}/builds`)).body.items)).toHaveLength(3);
  });

  it('answers what a tag move would fire without firing it', async () => {
    const namespace = await createTestNamespace('dryrun');
    await createSubscription(namespace, 'all-tags', { url: 'http://127.0.0.1:9/never', events: ['tag.changed'] });
    await createSubscription(namespace, 'only-prod', { url: 'http://127.0.0.1:9/never', events: ['tag.changed'], filter: { tags: ['prod'] } });
    expect((await api('POST', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs`, deploymentConfig('frontend'))).status).toBe(201);
    expect((await api('POST', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs`, deploymentConfig('manual', false))).status).toBe(201);
    await mapImage(namespace, 'app', 'v0', randomDigest());

    const digest = randomDigest();
    const answer = await api<Record<string, any>>('POST', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/tagmovedryruns`, { imageStream: 'app', tag: 'latest', digest }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(answer.status).toBe(200);
    expect(answer.body['pullSpec']).toMatch(new RegExp(`/${namespace}/app@${digest}$`));
    expect(answer.body['webhooks']).toEqual([{ name: 'all-tags' }]);
    expect(answer.body['deployments']).toEqual([{ kind: 'DeploymentConfig', namespace, name: 'frontend', rollout: true, latestVersion: 1 }]);
    // `manual` (automatic: false) does not even watch the tag, so it is in neither list.
    expect(JSON.stringify(answer.body)).not.toContain('"manual"');
    // Nothing fired.
    const dc = await api<Stored>('GET', `/apis/apps.openshift.io/v1/namespaces/${namespace}/deploymentconfigs/frontend`);
    expect(dc.body.status?.['latestVersion'] ?? 0).toBe(0);
    expect((await api('POST', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/tagmovedryruns`, { imageStream: 'app', tag: 'latest', digest: 'sha256:nothex' })).status).toBe(422);
    expect((await api('POST', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/tagmovedryruns`, { imageStream: 'app', tag: 'latest' })).status).toBe(400);
  });
});
