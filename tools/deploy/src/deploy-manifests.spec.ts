import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkManifests, type Expectations, type ServiceConfig } from './manifest-checks';
import { readKustomization, renderKustomization, REPO_ROOT, type K8sObject } from './render';

const OVERLAY = join(REPO_ROOT, 'deploy', 'overlays', 'example');
const BASE = join(REPO_ROOT, 'deploy', 'base');

type ConfigClass = new () => object;

/**
 * Each service's config class, loaded by path the way the service loads it (tooling does not
 * depend on apps as code). Every app with an `src/<app>.config.ts` is a service to deploy.
 */
function serviceConfigs(): Record<string, ServiceConfig> {
  const { loadConfig, ConfigValidationError } = require(join(REPO_ROOT, 'libs', 'platform', 'config', 'src', 'index.ts')) as {
    loadConfig: (cls: ConfigClass, env: Record<string, string>) => object;
    ConfigValidationError: new (...args: never[]) => Error & { problems: string[] };
  };
  const configs: Record<string, ServiceConfig> = {};
  for (const app of readdirSync(join(REPO_ROOT, 'apps'))) {
    const file = join(REPO_ROOT, 'apps', app, 'src', `${app}.config.ts`);
    if (!existsSync(file)) continue;
    const classes = Object.values(require(file) as Record<string, unknown>).filter((value): value is ConfigClass => typeof value === 'function');
    const [ConfigClass] = classes;
    if (!ConfigClass || classes.length !== 1) throw new Error(`${file} should export exactly one config class`);
    const defaults = new ConfigClass() as Record<string, unknown>;
    configs[app] = {
      keys: Object.keys(defaults),
      defaultHttpPort: Number(defaults['HTTP_PORT']),
      validate(env) {
        try {
          loadConfig(ConfigClass, env);
          return [];
        } catch (error) {
          if (error instanceof ConfigValidationError) return error.problems;
          throw error;
        }
      },
    };
  }
  return configs;
}

function expectationsFor(overlay: string): Expectations {
  const kustomization = readKustomization(overlay);
  return {
    namespace: kustomization.namespace ?? 'default',
    imageTags: Object.fromEntries((kustomization.images ?? []).map((image) => [image.newName ?? image.name, image.newTag ?? 'latest'])),
    services: serviceConfigs(),
    required: ['DATABASE_URL', 'NATS_URL', 'HTTP_HOST'],
    jetStreamReplicas: 3,
    natsMaxPayload: '8MB',
  };
}

const count = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind).length;
const named = (objects: K8sObject[], kind: string, prefix: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name.startsWith(prefix));
  if (!found) throw new Error(`no ${kind} ${prefix}*`);
  return found as K8sObject & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const container = (objects: K8sObject[], deployment: string) => named(objects, 'Deployment', deployment)['spec'].template.spec.containers[0];

describe('deploy/ (kustomize)', () => {
  let rendered: K8sObject[];
  let expectations: Expectations;

  beforeAll(() => {
    rendered = renderKustomization(OVERLAY);
    expectations = expectationsFor(OVERLAY);
  });

  it('renders the base on its own', () => {
    const base = renderKustomization(BASE);
    expect(count(base, 'Deployment')).toBe(5);
  });

  it('renders the example overlay with every kind of object the system needs', () => {
    expect(count(rendered, 'Namespace')).toBe(1);
    expect(count(rendered, 'Deployment')).toBe(5);
    expect(count(rendered, 'StatefulSet')).toBe(2); // NATS and Postgres
    expect(count(rendered, 'PodDisruptionBudget')).toBe(6); // the five services and NATS
    expect(count(rendered, 'HorizontalPodAutoscaler')).toBe(5);
    expect(count(rendered, 'Ingress')).toBe(1);
    expect(count(rendered, 'Service')).toBeGreaterThanOrEqual(3); // NATS (headless), Postgres, gateway
    expect(count(rendered, 'ConfigMap')).toBeGreaterThanOrEqual(2);
    expect(count(rendered, 'Secret')).toBeGreaterThanOrEqual(1);
    expect(Object.keys(expectations.services).sort()).toEqual(['importer', 'registry-gateway', 'stream-service', 'template-service', 'trigger-dispatcher']);
  });

  it('passes every check: images, settings against the config classes, probes, NATS, budgets, autoscalers', () => {
    expect(checkManifests(rendered, expectations)).toEqual([]);
  });

  // The checks themselves: each mistake below must be reported.
  const mistakes: [string, (objects: K8sObject[]) => void, RegExp][] = [
    [
      'a misspelled name in a ConfigMap',
      (o) => {
        const data = named(o, 'ConfigMap', 'imagestreams-common')['data'];
        data.NATS_ULR = data.NATS_URL;
        delete data.NATS_URL;
      },
      /NATS_ULR is not a setting of/,
    ],
    ['a misspelled literal env name', (o) => (container(o, 'registry-gateway').env[0].name = 'HTTP_PROT'), /registry-gateway: HTTP_PROT is not a setting/],
    ['a setting of another service', (o) => container(o, 'trigger-dispatcher').env.push({ name: 'IMPORT_BULK_LIMIT', value: '5' }), /IMPORT_BULK_LIMIT is not a setting of trigger-dispatcher/],
    ['an invalid value', (o) => (named(o, 'ConfigMap', 'registry-gateway-config')['data'].BLOB_STORE = 'gcs'), /registry-gateway: invalid configuration: BLOB_STORE/],
    ['S3 without a bucket', (o) => delete named(o, 'ConfigMap', 'registry-gateway-config')['data'].S3_BUCKET, /invalid configuration: S3_BUCKET/],
    ['JetStream replicas below the cluster size', (o) => (named(o, 'ConfigMap', 'imagestreams-common')['data'].JETSTREAM_REPLICAS = '1'), /JETSTREAM_REPLICAS is 1, not 3/],
    ['NATS_URL missing a server', (o) => (named(o, 'ConfigMap', 'imagestreams-common')['data'].NATS_URL = 'nats://nats-0.nats:4222'), /NATS_URL .* does not list the NATS pods/],
    ['a Secret key that is not rendered', (o) => delete named(o, 'Secret', 'imagestreams-secrets')['data'].DATABASE_URL, /DATABASE_URL refers to Secret .* which is not rendered/],
    ['an image tag other than the pinned one', (o) => (container(o, 'importer').image = 'imagestreams/importer:latest'), /image imagestreams\/importer:latest, not imagestreams\/importer:0\.1\.0/],
    ['readiness on /healthz', (o) => (container(o, 'stream-service').readinessProbe.httpGet.path = '/healthz'), /readinessProbe checks \/healthz, not \/readyz/],
    ['a probe on another port', (o) => (container(o, 'importer').livenessProbe.httpGet.port = 9999), /livenessProbe port 9999 is 9999, not HTTP_PORT 8082/],
    ['HTTP_PORT not declared', (o) => (container(o, 'template-service').env[0].value = '9000'), /HTTP_PORT 9000 is not a declared container port/],
    ['no memory limit', (o) => delete container(o, 'registry-gateway').resources.limits.memory, /registry-gateway: no memory limits/],
    ['a budget selecting nothing', (o) => (named(o, 'PodDisruptionBudget', 'importer')['spec'].selector.matchLabels['app.kubernetes.io/name'] = 'importr'), /PodDisruptionBudget importer selects the pods of 0 workloads/],
    ['replicas next to an autoscaler', (o) => (named(o, 'Deployment', 'stream-service')['spec'].replicas = 3), /stream-service sets replicas/],
    ['one NATS server', (o) => (named(o, 'StatefulSet', 'nats')['spec'].replicas = 1), /NATS StatefulSet nats has 1 replicas, not 3/],
    ['NATS without volumes', (o) => delete named(o, 'StatefulSet', 'nats')['spec'].volumeClaimTemplates, /NATS StatefulSet nats has no persistent volume claims/],
    [
      'NATS without JetStream storage',
      (o) => {
        const data = named(o, 'ConfigMap', 'nats-config')['data'];
        data['nats.conf'] = data['nats.conf'].replace(/store_dir: \S+/, 'store_dir: /tmp/js');
      },
      /store_dir \/tmp\/js is not on a persistent volume/,
    ],
    [
      'NATS with the default max_payload',
      (o) => {
        const data = named(o, 'ConfigMap', 'nats-config')['data'];
        data['nats.conf'] = data['nats.conf'].replace(/max_payload: \S+/, 'max_payload: 1MB');
      },
      /max_payload is not 8MB/,
    ],
    ['a database password that does not match', (o) => (named(o, 'Secret', 'imagestreams-secrets')['data'].POSTGRES_PASSWORD = Buffer.from('other').toString('base64')), /DATABASE_URL's password is not Postgres's/],
    ['an object outside the namespace', (o) => (named(o, 'Service', 'postgres').metadata.namespace = 'default'), /Service postgres is in namespace default/],
  ];

  it.each(mistakes)('reports %s', (_description, mutate, problem) => {
    const objects = structuredClone(rendered);
    mutate(objects);
    expect(checkManifests(objects, expectations)).toContainEqual(expect.stringMatching(problem));
  });
});
