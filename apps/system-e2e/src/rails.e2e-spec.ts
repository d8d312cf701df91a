import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually, WebhookReceiver } from '@imagestreams/testing';
import { api, createSubscription, createTestNamespace } from './support/api';
import { writeOciLayout } from './support/oci-layout';
import { dockerRef, skopeoCopy } from './support/skopeo';

/**
 * The Ruby on Rails walk-through of docs/rails.md, end to end: the sample template instantiated into
 * a project, a new Ruby builder pushed with skopeo fires the BuildConfig's ImageChange trigger, the
 * "builder" (a webhook receiver) pushes the application image, and the Deployment's trigger
 * rewrites its image. Then the same with the DeploymentConfig-era template from OpenShift's history.
 */

interface StoredObject {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- OpenShift JSON read in tests
  status?: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface InstanceObjects {
  items: { kind: string; name: string; object?: { data?: Record<string, string>; kind: string } }[];
}

const TEMPLATES = '/apis/template.openshift.io/v1';
const HISTORICAL = path.resolve(__dirname, '../../../../shared/fixtures/openshift-library/historical/library-fe631bf2-deploymentconfig-era/rails-postgresql-example.json');

async function pushImage(repository: string, tag: string, role: string): Promise<string> {
  // Random layers and a nonce label: every push is a new image.
  const layout = await writeOciLayout({ layerSize: 1024, labels: { 'e2e.role': role } });
  await skopeoCopy(layout.reference, dockerRef(repository, tag));
  return layout.digest;
}

async function instantiate(namespace: string, name: string, template: Record<string, unknown>, parameters: Record<string, string>) {
  const created = await api<{ status: { conditions: { type: string; status: string; message?: string }[] } }>('POST', `${TEMPLATES}/namespaces/${namespace}/templateinstances`, {
    apiVersion: 'template.openshift.io/v1',
    kind: 'TemplateInstance',
    metadata: { name },
    spec: { template, parameters },
  });
  // A failure shows the Status that explains it.
  if (created.status !== 201) throw new Error(`instantiating ${name}: ${created.status} ${JSON.stringify(created.body)}`);
  expect(created.body.status.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
}

const pullSpecOf = async (namespace: string, stream: string, tag: string): Promise<string> =>
  (await api<{ image: { dockerImageReference: string } }>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/${stream}:${tag}`)).body.image.dockerImageReference;

describe('the Ruby on Rails + PostgreSQL walk-through', () => {
  const builder = new WebhookReceiver();
  let builderUrl: string;
  beforeAll(async () => {
    builderUrl = await builder.start();
  });
  afterAll(async () => builder.stop());

  const eventsOf = (namespace: string, type: string) =>
    builder.received.map((request) => JSON.parse(request.body) as { type: string; data: Record<string, any> }).filter((event) => event.type === type && event.data['namespace'] === namespace); // eslint-disable-line @typescript-eslint/no-explicit-any

  it('instantiates rails-postgresql-example from the samples, builds on a new Ruby image and redeploys on the new app image', async () => {
    const project = await createTestNamespace('rails');
    await createSubscription(project, 'builder', { url: builderUrl, events: ['build.requested', 'trigger.fired'] });
    const template = await eventually(async () => {
      const read = await api<Record<string, unknown>>('GET', `${TEMPLATES}/namespaces/openshift/templates/rails-postgresql-example`);
      return read.status === 200 ? read.body : undefined;
    }, 'the samples catalog to hold rails-postgresql-example', 60_000);

    // As `oc new-app openshift/rails-postgresql-example` does: the template's content, not its identity.
    const { metadata, ...content } = template as { metadata: { name: string; annotations?: Record<string, string> } };
    await instantiate(project, 'rails', { ...content, metadata: { name: metadata.name, annotations: metadata.annotations } }, { NAME: 'rails-postgresql-example' });

    // The database service, the frontend service and route are stored; the secret has generated values.
    const objects = (await api<InstanceObjects>('GET', `${TEMPLATES}/namespaces/${project}/templateinstances/rails/objects`)).body.items;
    const kinds = objects.map((item) => `${item.kind}/${item.name}`);
    expect(kinds).toEqual(expect.arrayContaining(['Service/rails-postgresql-example', 'Service/postgresql', 'Route/rails-postgresql-example', 'Secret/rails-postgresql-example']));
    const secret = objects.find((item) => item.kind === 'Secret')?.object?.data ?? {};
    const decoded = Object.fromEntries(Object.entries(secret).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
    expect(decoded['database-password']).toMatch(/^[a-zA-Z0-9]{8,}$/);
    expect(decoded['keybase']).toMatch(/^[a-z0-9]{64,}$/);

    // The app's image stream, the BuildConfig and the Deployment with its image trigger exist.
    expect((await api('GET', `/apis/image.openshift.io/v1/namespaces/${project}/imagestreams/rails-postgresql-example`)).status).toBe(200);
    const bc = await api<StoredObject>('GET', `/apis/build.openshift.io/v1/namespaces/${project}/buildconfigs/rails-postgresql-example`);
    expect(bc.status).toBe(200);
    const builderTag = bc.body.spec['strategy'].sourceStrategy.from as { namespace: string; name: string };
    expect(builderTag.namespace).toBe('openshift');
    const deployment = await api<StoredObject>('GET', `/apis/apps/v1/namespaces/${project}/deployments/rails-postgresql-example`);
    expect(deployment.body.metadata.annotations?.['image.openshift.io/triggers']).toContain('rails-postgresql-example:latest');

    // A new Ruby builder image, pushed with skopeo, requests a build.
    const [rubyStream, rubyTag] = builderTag.name.split(':');
    await pushImage(`openshift/${rubyStream}`, rubyTag, `ruby-${project}`);
    const rubyPullSpec = await pullSpecOf('openshift', rubyStream, rubyTag);
    const requested = await eventually(async () => eventsOf(project, 'io.imagestreams.build.requested.v1')[0], 'the build.requested webhook');
    expect(requested.data).toMatchObject({ buildConfig: 'rails-postgresql-example', cause: 'Image change', image: rubyPullSpec });

    // The builder builds and pushes the application image; the Deployment follows it.
    const appDigest = await pushImage(`${project}/rails-postgresql-example`, 'latest', `app-${project}`);
    await api('PATCH', `/apis/build.openshift.io/v1/namespaces/${project}/builds/${requested.data['build']}`, { status: { phase: 'Complete', output: { to: { imageDigest: appDigest } } } });
    const appPullSpec = await pullSpecOf(project, 'rails-postgresql-example', 'latest');
    const fired = await eventually(
      async () => eventsOf(project, 'io.imagestreams.trigger.fired.v1').find((event) => event.data['object'].kind === 'Deployment' && event.data['image'] === appPullSpec),
      'the Deployment trigger.fired webhook',
    );
    expect(fired.data).toMatchObject({ action: 'update', imageStream: 'rails-postgresql-example', tag: 'latest' });
    const redeployed = await api<StoredObject>('GET', `/apis/apps/v1/namespaces/${project}/deployments/rails-postgresql-example`);
    expect(redeployed.body.spec['template'].spec.containers[0].image).toBe(appPullSpec);
    expect(redeployed.body.spec['template'].spec.initContainers[0].image).toBe(appPullSpec);
    expect((await api<StoredObject>('GET', `/apis/build.openshift.io/v1/namespaces/${project}/builds/${requested.data['build']}`)).body.status?.['phase']).toBe('Complete');
  });

  (existsSync(HISTORICAL) ? it : it.skip)('runs the DeploymentConfig-era template the same way (fixture from OpenShift history)', async () => {
    const project = await createTestNamespace('rails-dc');
    await createSubscription(project, 'builder', { url: builderUrl, events: ['build.requested', 'trigger.fired'] });
    const template = JSON.parse(readFileSync(HISTORICAL, 'utf8')) as Record<string, unknown>;
    // Its builder and database streams live in NAMESPACE; this project plays that part here.
    await instantiate(project, 'rails', template, { NAMESPACE: project });

    const bc = await api<StoredObject>('GET', `/apis/build.openshift.io/v1/namespaces/${project}/buildconfigs/rails-postgresql-example`);
    const builderTag = (bc.body.spec['strategy'].sourceStrategy.from as { name: string }).name;
    const [rubyStream, rubyTag] = builderTag.split(':');
    await pushImage(`${project}/${rubyStream}`, rubyTag, `ruby-dc-${project}`);
    const requested = await eventually(async () => eventsOf(project, 'io.imagestreams.build.requested.v1')[0], 'the build.requested webhook');
    expect(requested.data['buildConfig']).toBe('rails-postgresql-example');

    await pushImage(`${project}/rails-postgresql-example`, 'latest', `app-dc-${project}`);
    const appPullSpec = await pullSpecOf(project, 'rails-postgresql-example', 'latest');
    const dc = await eventually(async () => {
      const read = await api<StoredObject>('GET', `/apis/apps.openshift.io/v1/namespaces/${project}/deploymentconfigs/rails-postgresql-example`);
      return (read.body.status?.['latestVersion'] ?? 0) >= 1 ? read.body : undefined;
    }, 'the DeploymentConfig to roll out');
    expect(dc.spec['template'].spec.containers[0].image).toBe(appPullSpec);
    await eventually(async () => eventsOf(project, 'io.imagestreams.trigger.fired.v1').find((event) => event.data['action'] === 'rollout'), 'the rollout trigger.fired webhook');
  });
});
