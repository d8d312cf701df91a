import { randomBytes } from 'node:crypto';
import { eventually, pushBlob, WebhookReceiver } from '@imagestreams/testing';
import { api, authHeaders, createTestNamespace, gatewayUrl, mapping, randomDigest } from './support/api';
import { buildImage, buildIndex, descriptorOf, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST, type BuiltImage } from './support/oci-layout';
import { ociErrorCode, v2, type RegistryReply } from './support/registry-http';
import { gatewayEndpoint, pushImage } from './support/registry-push';
import { answersToMutations, describePath, shapeMutations } from './support/shape-mutations';

/**
 * Every JSON body the API takes, with each of its values swapped, one at a time, for values of the
 * other JSON types (an object for a string, an array for an object, null, a number no column holds,
 * ...): each answer is a 2xx or a 4xx Status whose code is the HTTP status, never a 5xx. Bodies that
 * are valid in type and wrong in shape are what reached the owners and failed there with a 500
 * before (session 11's fuzz found nine); this keeps every body covered, including fields added later.
 */
interface Endpoint {
  name: string;
  method: 'POST' | 'PUT' | 'PATCH';
  path: (namespace: string) => string;
  /** A valid body; `id` is new for every request, so a 2xx never meets an earlier one's object. */
  body: (id: string, namespace: string) => Record<string, unknown>;
  contentType?: string;
  /** Made once before the endpoint's requests: objects the body refers to. */
  prepare?: (namespace: string) => Promise<void>;
  /**
   * After every mutation was answered: what was accepted did not poison the namespace (its tag
   * events are evaluated for every object watching the tag at once, so one object that made the
   * evaluation throw would stop a well-formed one from firing too).
   */
  stillWorks?: (namespace: string) => Promise<void>;
  /** After the endpoint's requests, whatever their outcome: puts back a shared object (a cluster singleton) as `prepare` found it. */
  restore?: () => Promise<void>;
}

interface StatusBody {
  kind?: string;
  code?: number;
  message?: string;
}

const IMAGE = 'image.openshift.io/v1';
const RBAC = '/apis/rbac.authorization.k8s.io/v1';
/** Requests in flight per endpoint: enough to finish quickly, few enough for two shared cores. */
const CONCURRENCY = 4;

const secretObject = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password: '${PASSWORD}' } });
const template = (name: string) => ({
  apiVersion: 'template.openshift.io/v1',
  kind: 'Template',
  metadata: { name, annotations: { description: 'fuzzed' } },
  labels: { app: 'fuzz' },
  parameters: [{ name: 'PASSWORD', generate: 'expression', from: '[a-z]{8}', required: true }],
  objects: [secretObject(`secret-${name}`)],
});
const dockerConfig = Buffer.from(JSON.stringify({ auths: { 'registry.example.com': { auth: Buffer.from('user:pass').toString('base64') } } })).toString('base64');

const createStream = (ns: string, name: string) =>
  expectCreated(`stream ${name}`, api('POST', `/apis/${IMAGE}/namespaces/${ns}/imagestreams`, { apiVersion: IMAGE, kind: 'ImageStream', metadata: { name } }));

async function mapImage(ns: string, stream: string, tag: string): Promise<void> {
  await expectCreated(`image for ${stream}:${tag}`, api('POST', `/apis/${IMAGE}/namespaces/${ns}/imagestreammappings`, mapping(stream, tag, randomDigest())));
}

async function expectCreated(what: string, reply: Promise<{ status: number; body: unknown }>): Promise<void> {
  const answer = await reply;
  if (answer.status >= 300) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
}

const ENDPOINTS: Endpoint[] = [
  {
    name: 'ImageStream create',
    method: 'POST',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreams`,
    prepare: (ns) => createStream(ns, 'base'),
    body: (id) => ({
      apiVersion: IMAGE,
      kind: 'ImageStream',
      metadata: { name: `s-${id}`, labels: { app: 'fuzz' }, annotations: { note: 'n' } },
      spec: {
        lookupPolicy: { local: true },
        tags: [{ name: 'v1', annotations: { a: 'b' }, from: { kind: 'ImageStreamTag', name: 'base:v1' }, importPolicy: { scheduled: false }, referencePolicy: { type: 'Local' } }],
      },
    }),
  },
  {
    name: 'ImageStream merge patch',
    method: 'PATCH',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreams/patched`,
    contentType: 'application/merge-patch+json',
    prepare: (ns) => createStream(ns, 'patched'),
    body: (id) => ({ metadata: { labels: { id } }, spec: { tags: [{ name: `t-${id}`, from: { kind: 'DockerImage', name: 'registry.example.com/a/b:1' } }] } }),
  },
  {
    name: 'ImageStreamMapping',
    method: 'POST',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreammappings`,
    body: (id) => {
      const digest = randomDigest();
      return {
        apiVersion: IMAGE,
        kind: 'ImageStreamMapping',
        metadata: { name: `m-${id}` },
        tag: 'latest',
        image: {
          metadata: { name: digest, annotations: { built: 'yes' } },
          dockerImageReference: `registry.example.com/fuzz/m@${digest}`,
          dockerImageLayers: [{ name: randomDigest(), size: 10, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' }],
          dockerImageMetadata: { Architecture: 'amd64', Config: { Env: ['A=b'], Labels: { l: 'v' } } },
        },
      };
    },
  },
  {
    name: 'ImageStreamTag create',
    method: 'POST',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreamtags`,
    body: (id) => ({
      apiVersion: IMAGE,
      kind: 'ImageStreamTag',
      metadata: { name: `t-${id}:v1` },
      tag: { name: 'v1', from: { kind: 'DockerImage', name: 'registry.example.com/a/b:1' }, referencePolicy: { type: 'Source' }, importPolicy: { scheduled: false } },
    }),
  },
  {
    name: 'ImageStreamImport (preview)',
    method: 'POST',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreamimports`,
    // Port 9 on loopback refuses at once: the import fails fast and is reported in the status.
    body: (id) => ({
      apiVersion: IMAGE,
      kind: 'ImageStreamImport',
      metadata: { name: `i-${id}` },
      spec: { import: false, images: [{ from: { kind: 'DockerImage', name: '127.0.0.1:9/fuzz/b:1' }, to: { name: 'v1' }, importPolicy: { insecure: true } }] },
    }),
  },
  {
    name: 'Template create',
    method: 'POST',
    path: (ns) => `/apis/template.openshift.io/v1/namespaces/${ns}/templates`,
    body: (id) => template(`tpl-${id}`),
  },
  {
    name: 'Template processing',
    method: 'POST',
    path: (ns) => `/apis/template.openshift.io/v1/namespaces/${ns}/processedtemplates`,
    body: (id) => template(`tpl-${id}`),
  },
  {
    name: 'TemplateInstance create',
    method: 'POST',
    path: (ns) => `/apis/template.openshift.io/v1/namespaces/${ns}/templateinstances`,
    body: (id) => ({ apiVersion: 'template.openshift.io/v1', kind: 'TemplateInstance', metadata: { name: `ti-${id}` }, spec: { template: template(`inst-${id}`) } }),
  },
  {
    name: 'WebhookSubscription create',
    method: 'POST',
    path: (ns) => `/apis/notifications.imagestreams.io/v1/namespaces/${ns}/webhooksubscriptions`,
    body: (id) => ({
      apiVersion: 'notifications.imagestreams.io/v1',
      kind: 'WebhookSubscription',
      metadata: { name: `w-${id}` },
      spec: { url: 'http://127.0.0.1:9/hook', events: ['tag.changed'], timeoutSeconds: 2, filter: { imageStreams: ['app'], tags: ['latest'] } },
    }),
    stillWorks: async (ns) => {
      const receiver = new WebhookReceiver();
      try {
        const url = await receiver.start();
        await expectCreated(
          'sentinel WebhookSubscription',
          api('POST', `/apis/notifications.imagestreams.io/v1/namespaces/${ns}/webhooksubscriptions`, { apiVersion: 'notifications.imagestreams.io/v1', kind: 'WebhookSubscription', metadata: { name: 'sentinel' }, spec: { url, events: ['tag.changed'] } }),
        );
        await mapImage(ns, 'app', 'latest');
        await receiver.waitForCount(1);
      } finally {
        await receiver.stop();
      }
    },
  },
  {
    name: 'TagMoveDryRun',
    method: 'POST',
    path: (ns) => `/apis/notifications.imagestreams.io/v1/namespaces/${ns}/tagmovedryruns`,
    prepare: (ns) => createStream(ns, 'app'),
    body: () => ({ imageStream: 'app', tag: 'latest', digest: randomDigest() }),
  },
  {
    name: 'BuildConfig create',
    method: 'POST',
    path: (ns) => `/apis/build.openshift.io/v1/namespaces/${ns}/buildconfigs`,
    body: (id) => ({
      apiVersion: 'build.openshift.io/v1',
      kind: 'BuildConfig',
      metadata: { name: `bc-${id}` },
      spec: {
        source: { git: { uri: 'https://example.com/app.git', ref: 'main' } },
        strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'base:v1' } } },
        output: { to: { kind: 'ImageStreamTag', name: 'out:latest' } },
        triggers: [{ type: 'ImageChange', imageChange: {} }, { type: 'Generic', generic: { secret: 's3cret' } }],
      },
    }),
    stillWorks: async (ns) => {
      await expectCreated(
        'sentinel BuildConfig',
        api('POST', `/apis/build.openshift.io/v1/namespaces/${ns}/buildconfigs`, {
          apiVersion: 'build.openshift.io/v1',
          kind: 'BuildConfig',
          metadata: { name: 'sentinel' },
          spec: { strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'base:v1' } } }, triggers: [{ type: 'ImageChange', imageChange: {} }] },
        }),
      );
      await mapImage(ns, 'base', 'v1');
      await eventually(async () => ((await api('GET', `/apis/build.openshift.io/v1/namespaces/${ns}/builds/sentinel-1`)).status === 200 ? true : undefined), 'the sentinel BuildConfig to build on the tag move');
    },
  },
  {
    name: 'Deployment create (image trigger annotation)',
    method: 'POST',
    path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
    body: (id) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `d-${id}`, annotations: { 'image.openshift.io/triggers': JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:latest' }, fieldPath: 'spec.template.spec.containers[?(@.name=="web")].image' }]) } },
      spec: { replicas: 1, selector: { matchLabels: { app: id } }, template: { metadata: { labels: { app: id } }, spec: { containers: [{ name: 'web', image: ' ', ports: [{ containerPort: 8080 }] }] } } },
    }),
    stillWorks: async (ns) => {
      const triggers = JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:latest' }, fieldPath: 'spec.template.spec.containers[0].image' }]);
      const sentinel = `/apis/apps/v1/namespaces/${ns}/deployments/sentinel`;
      await expectCreated(
        'sentinel Deployment',
        api('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'sentinel', annotations: { 'image.openshift.io/triggers': triggers } },
          spec: { template: { spec: { containers: [{ name: 'web', image: ' ' }] } } },
        }),
      );
      await mapImage(ns, 'app', 'latest');
      type Stored = { spec: { template: { spec: { containers: { image: string }[] } } } };
      await eventually(async () => ((await api<Stored>('GET', sentinel)).body.spec.template.spec.containers[0].image.trim() ? true : undefined), 'the sentinel Deployment to get the image');
    },
  },
  {
    name: 'Secret create',
    method: 'POST',
    path: (ns) => `/api/v1/namespaces/${ns}/secrets`,
    body: (id) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: `sec-${id}` }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig } }),
  },
  {
    name: 'ServiceAccount create',
    method: 'POST',
    path: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
    body: (id) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${id}` } }),
  },
  {
    name: 'AccessToken create',
    method: 'POST',
    path: () => '/apis/access.imagestreams.io/v1/accesstokens',
    prepare: (ns) => expectCreated('service account robot', api('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'robot' } })),
    body: (_id, ns) => ({ apiVersion: 'access.imagestreams.io/v1', kind: 'AccessToken', spec: { subject: { kind: 'ServiceAccount', namespace: ns, name: 'robot' }, expiresInSeconds: 600 } }),
  },
  {
    name: 'Role create',
    method: 'POST',
    path: (ns) => `${RBAC}/namespaces/${ns}/roles`,
    body: (id) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `r-${id}` }, rules: [{ apiGroups: ['image.openshift.io'], resources: ['imagestreams'], verbs: ['get', 'list'], resourceNames: ['app'] }] }),
  },
  {
    name: 'RoleBinding create',
    method: 'POST',
    path: (ns) => `${RBAC}/namespaces/${ns}/rolebindings`,
    body: (id, ns) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `rb-${id}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', namespace: ns, name: 'nobody' }],
    }),
  },
  {
    name: 'ClusterRole create',
    method: 'POST',
    path: () => `${RBAC}/clusterroles`,
    body: (id) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `fuzz-${id}` }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }, { nonResourceURLs: ['/healthz'], verbs: ['get'] }] }),
  },
  {
    name: 'ClusterRoleBinding create',
    method: 'POST',
    path: () => `${RBAC}/clusterrolebindings`,
    body: (id) => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `fuzz-${id}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'User', name: `fuzz-nobody-${id}` }],
    }),
  },
  {
    name: 'User create',
    method: 'POST',
    path: () => '/apis/user.openshift.io/v1/users',
    body: (id) => ({ apiVersion: 'user.openshift.io/v1', kind: 'User', metadata: { name: `fuzz-${id}` }, fullName: 'Fuzz' }),
  },
  {
    name: 'SelfSubjectAccessReview',
    method: 'POST',
    path: () => '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    body: (_id, ns) => ({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: ns, verb: 'get', group: 'image.openshift.io', resource: 'imagestreams', name: 'app' } } }),
  },
  {
    name: 'Namespace create',
    method: 'POST',
    path: () => '/api/v1/namespaces',
    body: (id) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `fuzz-${id}`, labels: { purpose: 'fuzz' } } }),
  },
  {
    name: 'registry push notification',
    method: 'POST',
    // The endpoint and secret global setup configures (IMPORT_NOTIFICATION_ENDPOINTS).
    path: () => '/apis/imagestreams.io/v1/registrynotifications/e2e/e2e-notification-secret',
    body: () => ({
      events: [
        {
          id: randomBytes(8).toString('hex'),
          action: 'push',
          target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: randomDigest(), repository: 'fuzz/app', url: 'http://127.0.0.1:9/v2/fuzz/app/manifests/latest', tag: 'latest' },
          request: { host: '127.0.0.1:9' },
        },
      ],
    }),
  },
];


const MERGE_PATCH = 'application/merge-patch+json';
const SUBSCRIPTIONS = (ns: string) => `/apis/notifications.imagestreams.io/v1/namespaces/${ns}/webhooksubscriptions`;
const createSubscriptionToNowhere = (ns: string) =>
  expectCreated(
    'subscription sub',
    api('POST', SUBSCRIPTIONS(ns), { apiVersion: 'notifications.imagestreams.io/v1', kind: 'WebhookSubscription', metadata: { name: 'sub' }, spec: { url: 'http://127.0.0.1:9/hook', events: ['tag.changed'] } }),
  );
const roleBinding = (name: string, ns: string) => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'RoleBinding',
  metadata: { name },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'ServiceAccount', namespace: ns, name: 'nobody' }],
});
const deploymentNamed = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1' }] } } },
});

const SAMPLES_CONFIG = '/apis/samples.operator.openshift.io/v1/configs/cluster';

interface SamplesConfigObject {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { managementState: string; samplesRegistry?: string; architectures: string[]; skippedImagestreams: string[]; skippedTemplates: string[] };
  status: { managementState?: string; architectures?: string[]; conditions?: { type: string; status: string }[] };
}

const samplesConfig = async () => {
  const read = await api<SamplesConfigObject>('GET', SAMPLES_CONFIG);
  if (read.status !== 200) throw new Error(`reading the samples Config: ${read.status} ${JSON.stringify(read.body)}`);
  return read.body;
};

/** The operator has applied the Config's spec: the state it acts as is on the status, valid, and (Managed) every sample written. */
function samplesApplied(config: SamplesConfigObject): boolean {
  const state = config.spec.managementState === 'Unmanaged' || config.spec.managementState === 'Removed' ? config.spec.managementState : 'Managed';
  const condition = (type: string) => config.status.conditions?.find((candidate) => candidate.type === type)?.status;
  return config.status.managementState === state && condition('ConfigurationValid') === 'True' && condition('RemovePending') === 'False' && (state !== 'Managed' || condition('SamplesExist') === 'True');
}

const samplesConfigApplied = () => eventually(async () => ((await samplesConfig().then(samplesApplied)) ? true : undefined), 'the samples operator to apply the Config', 60_000);

/**
 * The samples operator's Config is one object for the whole run, and the samples suites (and the
 * openshift namespace's users) rely on it: the fuzz keeps what it found and puts it back after
 * (labels, annotations, spec), then waits for the operator to have applied it again.
 */
const samplesFound: { config?: SamplesConfigObject; architecture?: string } = {};

async function keepSamplesConfig(): Promise<void> {
  await samplesConfigApplied();
  const found = await samplesConfig();
  samplesFound.config = found;
  // One the samples were not applied for: a body that the swap leaves Managed (managementState
  // null or deleted) then names an architecture change the operator refuses to apply
  // (ConfigurationValid False) instead of rewriting every sample stream.
  samplesFound.architecture = ['s390x', 'ppc64le'].find((architecture) => architecture !== (found.status.architectures?.[0] ?? 'x86_64'));
}

async function restoreSamplesConfig(): Promise<void> {
  const found = samplesFound.config;
  if (!found) return;
  const { name, labels, annotations } = found.metadata;
  // No resourceVersion: the operator's status writes move it on all the time; the PUT is unconditional.
  await expectCreated('the samples Config put back', api('PUT', SAMPLES_CONFIG, { metadata: { name, labels, annotations }, spec: found.spec }));
  const now = await samplesConfig();
  expect({ labels: now.metadata.labels, annotations: now.metadata.annotations, spec: now.spec }).toEqual({ labels, annotations, spec: found.spec });
  await samplesConfigApplied();
  samplesFound.config = undefined;
}

/**
 * Every spec field, Unmanaged (the operator only records it on the status: no sample is written).
 * The registry refuses connections at once, should a swap leave the state Managed regardless; the
 * `id` goes in a label. No resourceVersion (optional; the status writes would make any we read
 * stale by the time the body arrives, and 409 exercises nothing); `uid` is a precondition too,
 * and one that holds.
 */
const samplesConfigBody = (id: string) => ({
  apiVersion: 'samples.operator.openshift.io/v1',
  kind: 'Config',
  metadata: { name: 'cluster', uid: samplesFound.config?.metadata.uid ?? '', labels: { fuzz: id }, annotations: { note: 'fuzzed' } },
  spec: {
    managementState: 'Unmanaged',
    samplesRegistry: '127.0.0.1:9/fuzz',
    skippedImagestreams: ['redis'],
    skippedTemplates: ['postgresql-persistent'],
    architectures: [samplesFound.architecture ?? 's390x'],
  },
});

/** What was accepted left a Config that reads, writes and is reconciled. */
async function samplesConfigStillWorks(): Promise<void> {
  await expectCreated('a valid samples Config', api('PUT', SAMPLES_CONFIG, samplesConfigBody('sentinel')));
  expect((await api('GET', '/apis/samples.operator.openshift.io/v1/configs')).status).toBe(200);
  expect((await samplesConfig()).metadata.labels).toEqual({ fuzz: 'sentinel' });
  await samplesConfigApplied();
}

/** Writes to objects that exist: replaced, merge-patched, rolled back, acted on. */
const UPDATES: Endpoint[] = [
  {
    name: 'ImageStream replace',
    method: 'PUT',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreams/replaced`,
    prepare: async (ns) => {
      await createStream(ns, 'base');
      await createStream(ns, 'replaced');
    },
    body: () => ({ apiVersion: IMAGE, kind: 'ImageStream', metadata: { name: 'replaced', labels: { a: 'b' } }, spec: { lookupPolicy: { local: false }, tags: [{ name: 'v1', from: { kind: 'ImageStreamTag', name: 'base:v1' } }] } }),
  },
  {
    name: 'ImageStreamTag replace',
    method: 'PUT',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreamtags/tagged:v1`,
    prepare: (ns) => mapImage(ns, 'base', 'v1'),
    body: () => ({ apiVersion: IMAGE, kind: 'ImageStreamTag', metadata: { name: 'tagged:v1', annotations: { a: 'b' } }, tag: { from: { kind: 'ImageStreamTag', name: 'base:v1' }, referencePolicy: { type: 'Local' } } }),
  },
  {
    name: 'ImageStreamTag rollback',
    method: 'POST',
    path: (ns) => `/apis/${IMAGE}/namespaces/${ns}/imagestreamtags/hist:v1/rollback`,
    prepare: async (ns) => {
      for (let moves = 0; moves < 3; moves++) await mapImage(ns, 'hist', 'v1');
    },
    body: () => ({ revisionsBack: 1, reason: 'fuzz' }),
  },
  {
    name: 'Deployment replace',
    method: 'PUT',
    path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments/dep`,
    prepare: (ns) => expectCreated('deployment dep', api('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, deploymentNamed('dep'))),
    body: () => deploymentNamed('dep'),
  },
  {
    name: 'Template replace',
    method: 'PUT',
    path: (ns) => `/apis/template.openshift.io/v1/namespaces/${ns}/templates/tpl`,
    prepare: (ns) => expectCreated('template tpl', api('POST', `/apis/template.openshift.io/v1/namespaces/${ns}/templates`, template('tpl'))),
    body: () => template('tpl'),
  },
  {
    name: 'RoleBinding replace',
    method: 'PUT',
    path: (ns) => `${RBAC}/namespaces/${ns}/rolebindings/rb`,
    prepare: (ns) => expectCreated('role binding rb', api('POST', `${RBAC}/namespaces/${ns}/rolebindings`, roleBinding('rb', ns))),
    body: (_id, ns) => roleBinding('rb', ns),
  },
  {
    name: 'ClusterRole merge patch',
    method: 'PATCH',
    path: (ns) => `${RBAC}/clusterroles/fuzz-${ns}`,
    contentType: MERGE_PATCH,
    prepare: (ns) =>
      expectCreated('cluster role', api('POST', `${RBAC}/clusterroles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `fuzz-${ns}` }, rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }] })),
    body: () => ({ metadata: { labels: { patched: 'yes' } }, rules: [{ apiGroups: ['image.openshift.io'], resources: ['imagestreams'], verbs: ['get', 'list'] }] }),
  },
  {
    name: 'WebhookSubscription merge patch',
    method: 'PATCH',
    path: (ns) => `${SUBSCRIPTIONS(ns)}/sub`,
    contentType: MERGE_PATCH,
    prepare: createSubscriptionToNowhere,
    body: () => ({ spec: { timeoutSeconds: 3, events: ['tag.changed', 'tag.deleted'], filter: { tags: ['v1'] }, paused: false } }),
  },
  {
    name: 'WebhookSubscription secret rotation',
    method: 'POST',
    path: (ns) => `${SUBSCRIPTIONS(ns)}/sub/rotatesecret`,
    prepare: createSubscriptionToNowhere,
    body: () => ({ gracePeriodSeconds: 60 }),
  },
  {
    name: 'WebhookSubscription replay',
    method: 'POST',
    path: (ns) => `${SUBSCRIPTIONS(ns)}/sub/replay`,
    prepare: createSubscriptionToNowhere,
    body: () => ({ since: new Date(Date.now() - 60_000).toISOString() }),
  },
  {
    name: 'WebhookSubscription redelivery of dead deliveries',
    method: 'POST',
    path: (ns) => `${SUBSCRIPTIONS(ns)}/sub/deliveries/redeliver`,
    prepare: createSubscriptionToNowhere,
    body: () => ({ outcome: 'dead' }),
  },
  {
    name: 'Build status merge patch (a builder reporting)',
    method: 'PATCH',
    path: (ns) => `/apis/build.openshift.io/v1/namespaces/${ns}/builds/site-1`,
    contentType: MERGE_PATCH,
    prepare: async (ns) => {
      await expectCreated(
        'BuildConfig site',
        api('POST', `/apis/build.openshift.io/v1/namespaces/${ns}/buildconfigs`, {
          apiVersion: 'build.openshift.io/v1',
          kind: 'BuildConfig',
          metadata: { name: 'site' },
          spec: { strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'base:v1' } } }, output: { to: { kind: 'ImageStreamTag', name: 'site:latest' } }, triggers: [{ type: 'ImageChange', imageChange: {} }] },
        }),
      );
      await mapImage(ns, 'base', 'v1');
      await eventually(async () => ((await api('GET', `/apis/build.openshift.io/v1/namespaces/${ns}/builds/site-1`)).status === 200 ? true : undefined), 'build site-1');
    },
    body: () => ({ status: { phase: 'Running', reason: 'Fuzzing', message: 'in progress', output: { to: { imageDigest: randomDigest() } } } }),
  },
  {
    name: 'samples Config replace',
    method: 'PUT',
    path: () => SAMPLES_CONFIG,
    prepare: keepSamplesConfig,
    body: samplesConfigBody,
    stillWorks: samplesConfigStillWorks,
    restore: restoreSamplesConfig,
  },
  {
    name: 'samples Config merge patch',
    method: 'PATCH',
    path: () => SAMPLES_CONFIG,
    contentType: MERGE_PATCH,
    prepare: keepSamplesConfig,
    body: samplesConfigBody,
    stillWorks: samplesConfigStillWorks,
    restore: restoreSamplesConfig,
  },
];

describe('every JSON body with each value swapped for another type: a 2xx or a 4xx Status, never a 5xx', () => {
  it.each([...ENDPOINTS, ...UPDATES].map((endpoint) => [endpoint.name, endpoint] as const))('%s', async (_name, endpoint) => {
    const ns = await createTestNamespace('shape-fuzz');
    try {
      await endpoint.prepare?.(ns);
      const send = (body: unknown) => api<StatusBody>(endpoint.method, endpoint.path(ns), body, endpoint.contentType ? { contentType: endpoint.contentType } : {});

      // The unchanged body is accepted, so every refusal below is the swapped value's doing.
      const valid = await send(endpoint.body(randomBytes(4).toString('hex'), ns));
      expect(valid.status < 300 ? 'accepted' : `${valid.status} ${JSON.stringify(valid.body)}`).toBe('accepted');

      const mutations = [...shapeMutations(endpoint.body('{id}', ns))];
      const failures = await answersToMutations(
        mutations,
        // A fresh id in every name, so an accepted body never collides with an earlier one.
        (mutation) => send(JSON.parse(JSON.stringify(mutation.body).replaceAll('{id}', randomBytes(4).toString('hex'))) as unknown),
        (answer) => {
          const wellFormed = answer.status < 400 || (answer.body?.kind === 'Status' && answer.body.code === answer.status);
          return answer.status >= 500 || !wellFormed ? `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}` : undefined;
        },
        CONCURRENCY,
      );

      expect(mutations.length).toBeGreaterThan(10);
      expect(failures).toEqual([]);
      await endpoint.stillWorks?.(ns);
    } finally {
      await endpoint.restore?.();
    }
  }, 120_000);

  it('walks every value of a body, nested arrays and the body itself included', () => {
    const paths = new Set([...shapeMutations({ a: { b: ['x'] }, n: 1 })].map((mutation) => describePath(mutation.path)));
    expect([...paths]).toEqual(['(the body)', '.a', '.a.b', '.a.b[0]', '.n']);
  });
});

describe('registry manifests and image configs with each value swapped for another type: an OCI error, never a 5xx', () => {
  let namespace: string;
  let repository: string;
  let base: BuiltImage;
  let tags = 0;
  const authorization = () => authHeaders().authorization as string;
  const putManifest = (reference: string, mediaType: string, document: unknown) =>
    v2('PUT', `${repository}/manifests/${reference}`, { authorization: authorization(), 'content-type': mediaType }, Buffer.from(JSON.stringify(document)));
  const ociProblem = (reply: RegistryReply): string | undefined => {
    if (reply.status >= 500) return `${reply.status} ${reply.body.slice(0, 300)}`;
    if (reply.status >= 400 && ociErrorCode(reply) === undefined) return `${reply.status} without an OCI error body: ${reply.body.slice(0, 300)}`;
    return undefined;
  };

  beforeAll(async () => {
    namespace = await createTestNamespace('shape-fuzz-v2');
    repository = `${namespace}/app`;
    base = buildImage({ layers: 1, layerSize: 512 });
    await pushImage(gatewayEndpoint(), repository, 'base', base);
  });

  async function expectNoServerErrors(mediaType: string, document: unknown): Promise<void> {
    expect((await putManifest('valid', mediaType, document)).status).toBe(201);
    const mutations = [...shapeMutations(document)];
    const failures = await answersToMutations(mutations, (mutation) => putManifest(`m-${tags++}`, mediaType, mutation.body), ociProblem, CONCURRENCY);
    expect(mutations.length).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }

  it('image manifests, with annotations and a subject', async () => {
    await expectNoServerErrors(OCI_MANIFEST, { ...base.manifest, annotations: { 'org.example.note': 'n' }, subject: descriptorOf(OCI_MANIFEST, base.manifestBytes) });
  }, 120_000);

  it('image indexes', async () => {
    await expectNoServerErrors(OCI_INDEX, { ...buildIndex([base]).index, annotations: { 'org.example.note': 'n' } });
  }, 120_000);

  it('image configs, which become the Image’s dockerImageMetadata: pushed, tagged and read back through the API', async () => {
    const mutations = [...shapeMutations(base.config)];
    const failures = await answersToMutations(
      mutations,
      async (mutation): Promise<RegistryReply> => {
        const configBytes = Buffer.from(JSON.stringify(mutation.body));
        await pushBlob(gatewayUrl(), repository, configBytes, authorization());
        const tag = `c-${tags++}`;
        const pushed = await putManifest(tag, OCI_MANIFEST, { ...base.manifest, config: descriptorOf(OCI_CONFIG, configBytes) });
        if (pushed.status !== 201) return pushed;
        // Accepted: the Image made from it must render too.
        const read = await api('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/app:${tag}`);
        return read.status === 200 ? pushed : { status: read.status, headers: new Headers(), body: `reading the ImageStreamTag: ${JSON.stringify(read.body)}` };
      },
      ociProblem,
      CONCURRENCY,
    );
    expect(mutations.length).toBeGreaterThan(50);
    expect(failures).toEqual([]);
  }, 120_000);
});
