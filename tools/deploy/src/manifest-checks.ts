import type { K8sObject } from './render';

/**
 * What the manifests are checked against, per service: the names its config class knows (the
 * environment variables it reads) and a validation of a whole environment (its config class's own
 * rules, as at start-up). Provided by the caller, which loads the services' config classes.
 */
export interface ServiceConfig {
  keys: readonly string[];
  /** Problems loading this environment would report (empty = the service would start). */
  validate(env: Record<string, string>): string[];
  /** HTTP_PORT's default, for a manifest that does not set it. */
  defaultHttpPort: number;
}

export interface Expectations {
  namespace: string;
  /** Image repository → tag, as the overlay pins them. */
  imageTags: Record<string, string>;
  /** Every service that must be deployed, by name (= image `imagestreams/<name>`). */
  services: Record<string, ServiceConfig>;
  /** Environment variables every service must get (besides NATS_URL, checked against the NATS cluster). */
  required: string[];
  /** JetStream stream replicas every service must ask for: the NATS cluster size. */
  jetStreamReplicas: number;
  natsMaxPayload: string;
}

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: KeyRef;
      configMapKeyRef?: KeyRef;
      fieldRef?: { fieldPath: string };
      resourceFieldRef?: unknown;
    };
  }[];
  envFrom?: { prefix?: string; configMapRef?: NameRef; secretRef?: NameRef }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface KeyRef {
  name: string;
  key: string;
  optional?: boolean;
}
interface NameRef {
  name: string;
  optional?: boolean;
}
interface Probe {
  httpGet?: { path?: string; port: number | string };
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: Container[]; volumes?: { name: string; configMap?: { name: string } }[] };
}
interface WorkloadSpec {
  replicas?: number;
  serviceName?: string;
  selector?: { matchLabels?: Record<string, string> };
  template: PodTemplate;
  volumeClaimTemplates?: { metadata: { name: string }; spec: { resources?: { requests?: { storage?: string } } } }[];
}
interface ServiceSpec {
  clusterIP?: string;
  publishNotReadyAddresses?: boolean;
  selector?: Record<string, string>;
  ports?: { name?: string; port: number; targetPort?: number | string }[];
}

const NAMESPACED_EXCEPTIONS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass']);

const spec = <T>(object: K8sObject): T => object['spec'] as T;
const ofKind = (objects: K8sObject[], kind: string) => objects.filter((object) => object.kind === kind);
const find = (objects: K8sObject[], kind: string, name: string) => objects.find((object) => object.kind === kind && object.metadata.name === name);
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** The environment a container gets, as Kubernetes builds it (envFrom first, then env overriding). */
export function resolveEnv(container: Container, objects: K8sObject[]): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const where = `container ${container.name}`;
  const dataOf = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined => {
    const object = find(objects, kind, name);
    if (!object) return undefined;
    if (kind === 'ConfigMap') return { ...(object['data'] as Record<string, string> | undefined) };
    const decoded: Record<string, string> = {};
    for (const [key, value] of Object.entries((object['data'] as Record<string, string> | undefined) ?? {})) decoded[key] = Buffer.from(value, 'base64').toString('utf8');
    return { ...decoded, ...(object['stringData'] as Record<string, string> | undefined) };
  };

  for (const source of container.envFrom ?? []) {
    const [kind, ref] = source.configMapRef ? (['ConfigMap', source.configMapRef] as const) : source.secretRef ? (['Secret', source.secretRef] as const) : [undefined, undefined];
    if (!kind || !ref) {
      problems.push(`${where}: envFrom entry without configMapRef or secretRef`);
      continue;
    }
    const data = dataOf(kind, ref.name);
    if (!data) {
      if (!ref.optional) problems.push(`${where}: envFrom ${kind} ${ref.name} is not in the rendered manifests`);
      continue;
    }
    for (const [key, value] of Object.entries(data)) env[`${source.prefix ?? ''}${key}`] = value;
  }

  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env[variable.name] = variable.value;
      continue;
    }
    const from = variable.valueFrom;
    const keyRef = from?.secretKeyRef ?? from?.configMapKeyRef;
    if (keyRef) {
      const kind = from?.secretKeyRef ? 'Secret' : 'ConfigMap';
      const value = dataOf(kind, keyRef.name)?.[keyRef.key];
      if (value === undefined) {
        if (!keyRef.optional) problems.push(`${where}: ${variable.name} refers to ${kind} ${keyRef.name} key ${keyRef.key}, which is not rendered`);
        continue;
      }
      env[variable.name] = value;
    } else if (from?.fieldRef || from?.resourceFieldRef) {
      env[variable.name] = `<from ${from.fieldRef?.fieldPath ?? 'resources'}>`;
    } else {
      env[variable.name] = ''; // `- name: X` alone sets an empty value
    }
  }
  return { env, problems };
}

/** Resolves a probe's or Service's port (number or container port name) to a number. */
function containerPort(container: Container, port: number | string | undefined): number | undefined {
  if (typeof port === 'number') return port;
  if (port !== undefined && /^\d+$/.test(port)) return Number(port);
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

/** Everything wrong with the rendered manifests; empty when they are right. */
export function checkManifests(objects: K8sObject[], expect: Expectations): string[] {
  const problems: string[] = [];

  // ---- namespace: every namespaced object lands in the overlay's namespace, which is created
  if (!find(objects, 'Namespace', expect.namespace)) problems.push(`no Namespace ${expect.namespace}`);
  for (const object of objects) {
    if (NAMESPACED_EXCEPTIONS.has(object.kind)) continue;
    if (object.metadata.namespace !== expect.namespace) problems.push(`${object.kind} ${object.metadata.name} is in namespace ${object.metadata.namespace ?? '(none)'}, not ${expect.namespace}`);
  }

  const nats = checkNats(objects, expect, problems);
  checkPostgres(objects, problems);

  // ---- the services
  const deployments = ofKind(objects, 'Deployment');
  const deployed = deployments.map((deployment) => deployment.metadata.name).sort();
  const wanted = Object.keys(expect.services).sort();
  if (JSON.stringify(deployed) !== JSON.stringify(wanted)) problems.push(`Deployments ${deployed.join(', ')} are not the services ${wanted.join(', ')}`);
  const envs: Record<string, Record<string, string>> = {};
  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    const config = expect.services[name];
    if (!config) continue;
    const env = checkService(deployment, config, objects, expect, nats, problems);
    if (env) envs[name] = env;
  }

  // ---- disruption budgets: each selects the pods of exactly one workload, each service has one
  const workloads = [...deployments, ...ofKind(objects, 'StatefulSet')];
  for (const budget of ofKind(objects, 'PodDisruptionBudget')) {
    const selector = spec<{ selector?: { matchLabels?: Record<string, string> } }>(budget).selector?.matchLabels;
    const selected = workloads.filter((workload) => selects(selector, spec<WorkloadSpec>(workload).template.metadata?.labels));
    if (selected.length !== 1) {
      problems.push(`PodDisruptionBudget ${budget.metadata.name} selects the pods of ${selected.length} workloads (${selected.map((w) => w.metadata.name).join(', ') || 'none'}), not one`);
    }
  }
  for (const deployment of deployments) {
    const labels = spec<WorkloadSpec>(deployment).template.metadata?.labels;
    const budgets = ofKind(objects, 'PodDisruptionBudget').filter((budget) => selects(spec<{ selector?: { matchLabels?: Record<string, string> } }>(budget).selector?.matchLabels, labels));
    if (budgets.length !== 1) problems.push(`Deployment ${deployment.metadata.name} is covered by ${budgets.length} PodDisruptionBudgets, not one`);
  }

  // ---- autoscalers: one per service, aimed at its Deployment, which leaves the count to it
  for (const deployment of deployments) {
    const name = deployment.metadata.name;
    const autoscalers = ofKind(objects, 'HorizontalPodAutoscaler').filter((hpa) => {
      const target = spec<{ scaleTargetRef?: { kind?: string; name?: string } }>(hpa).scaleTargetRef;
      return target?.kind === 'Deployment' && target.name === name;
    });
    const [autoscaler] = autoscalers;
    if (!autoscaler || autoscalers.length !== 1) {
      problems.push(`Deployment ${name} has ${autoscalers.length} HorizontalPodAutoscalers, not one`);
      continue;
    }
    const { minReplicas = 1, maxReplicas } = spec<{ minReplicas?: number; maxReplicas?: number }>(autoscaler);
    if (!(minReplicas >= 1 && maxReplicas !== undefined && maxReplicas >= minReplicas)) problems.push(`HorizontalPodAutoscaler ${name}: replicas ${minReplicas}..${maxReplicas}`);
    if (spec<WorkloadSpec>(deployment).replicas !== undefined) problems.push(`Deployment ${name} sets replicas, which its HorizontalPodAutoscaler owns (every apply would reset the count)`);
  }
  for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) {
    const target = spec<{ scaleTargetRef?: { kind?: string; name?: string } }>(hpa).scaleTargetRef;
    if (!target?.kind || !target.name || !find(objects, target.kind, target.name)) problems.push(`HorizontalPodAutoscaler ${hpa.metadata.name} targets ${target?.kind} ${target?.name}, which is not rendered`);
  }

  checkGatewayExposure(objects, envs, problems);
  checkDatabaseUrls(objects, envs, problems);
  return problems;
}

interface NatsCluster {
  /** `nats://<pod>.<service>:<client port>` of every server. */
  urls: string[];
  replicas: number;
}

function checkNats(objects: K8sObject[], expect: Expectations, problems: string[]): NatsCluster | undefined {
  const sets = ofKind(objects, 'StatefulSet').filter((set) => spec<WorkloadSpec>(set).template.spec.containers.some((c) => c.image?.startsWith('nats:')));
  const [set] = sets;
  if (!set || sets.length !== 1) {
    problems.push(`${sets.length} NATS StatefulSets, not one`);
    return undefined;
  }
  const name = set.metadata.name;
  const setSpec = spec<WorkloadSpec>(set);
  const replicas = setSpec.replicas ?? 1;
  if (replicas !== 3) problems.push(`NATS StatefulSet ${name} has ${replicas} replicas, not 3`);
  if (replicas !== expect.jetStreamReplicas) problems.push(`NATS has ${replicas} servers but services ask for ${expect.jetStreamReplicas} JetStream replicas`);
  const container = setSpec.template.spec.containers.find((c) => c.image?.startsWith('nats:')) ?? { name: 'nats' };

  const service = setSpec.serviceName ? find(objects, 'Service', setSpec.serviceName) : undefined;
  const serviceSpec = service && spec<ServiceSpec>(service);
  if (!service || !serviceSpec) problems.push(`NATS StatefulSet ${name}: serviceName ${setSpec.serviceName} is not a rendered Service`);
  else {
    if (serviceSpec.clusterIP !== 'None') problems.push(`NATS Service ${service.metadata.name} is not headless`);
    if (!serviceSpec.publishNotReadyAddresses) problems.push(`NATS Service ${service.metadata.name} must publish not-ready addresses (routes resolve before readiness)`);
    if (!selects(serviceSpec.selector, setSpec.template.metadata?.labels)) problems.push(`NATS Service ${service.metadata.name} does not select the NATS pods`);
  }
  const clientPort = serviceSpec?.ports?.find((port) => port.name === 'client')?.port;
  const clusterPort = container.ports?.find((port) => port.name === 'cluster')?.containerPort;
  if (!clientPort || !clusterPort) problems.push(`NATS: no client port on the Service or no cluster port on the container`);
  const pods = Array.from({ length: replicas }, (_, index) => `${name}-${index}.${setSpec.serviceName}`);

  // Persistence: a claim per server, mounted where JetStream stores.
  const claims = setSpec.volumeClaimTemplates ?? [];
  if (claims.length === 0 || claims.some((claim) => !claim.spec.resources?.requests?.storage)) problems.push(`NATS StatefulSet ${name} has no persistent volume claims with a size`);

  // The configuration file, from the ConfigMap mounted into the container.
  const configFile = (setSpec.template.spec.volumes ?? [])
    .map((volume) => (volume.configMap ? find(objects, 'ConfigMap', volume.configMap.name) : undefined))
    .map((configMap) => Object.values((configMap?.['data'] as Record<string, string> | undefined) ?? {}).find((text) => /jetstream/.test(text)))
    .find((text) => text !== undefined);
  if (!configFile) {
    problems.push('NATS: no mounted ConfigMap holds a configuration with jetstream');
  } else {
    const storeDir = /jetstream\s*\{[^}]*store_dir:\s*"?([^\s"]+)"?/.exec(configFile)?.[1];
    const dataMounts = (container.volumeMounts ?? []).filter((mount) => claims.some((claim) => claim.metadata.name === mount.name));
    if (!storeDir) problems.push('NATS: jetstream block without store_dir (file storage)');
    else if (!dataMounts.some((mount) => storeDir === mount.mountPath || storeDir.startsWith(`${mount.mountPath.replace(/\/$/, '')}/`))) {
      problems.push(`NATS: JetStream store_dir ${storeDir} is not on a persistent volume`);
    }
    if (new RegExp(`^\\s*max_payload:\\s*${expect.natsMaxPayload}\\s*$`, 'm').exec(configFile) === null) problems.push(`NATS: max_payload is not ${expect.natsMaxPayload}`);
    if (!/^\s*server_name:\s*\$POD_NAME\s*$/m.test(configFile) || !container.env?.some((e) => e.name === 'POD_NAME' && e.valueFrom?.fieldRef?.fieldPath === 'metadata.name')) {
      problems.push('NATS: server_name must be the pod name (unique per server, as JetStream clustering needs)');
    }
    const routes = /cluster\s*\{[\s\S]*?routes:\s*\[([^\]]*)\]/.exec(configFile)?.[1]?.split(/[\s,]+/).filter(Boolean) ?? [];
    const wantedRoutes = pods.map((pod) => `nats://${pod}:${clusterPort}`);
    if (JSON.stringify([...routes].sort()) !== JSON.stringify([...wantedRoutes].sort())) problems.push(`NATS cluster routes ${routes.join(' ')} are not ${wantedRoutes.join(' ')}`);
  }

  const budget = ofKind(objects, 'PodDisruptionBudget').find((pdb) => selects(spec<{ selector?: { matchLabels?: Record<string, string> } }>(pdb).selector?.matchLabels, setSpec.template.metadata?.labels));
  if (!budget || spec<{ maxUnavailable?: number }>(budget).maxUnavailable !== 1) problems.push('NATS needs a PodDisruptionBudget with maxUnavailable 1 (keeps the quorum)');

  return { urls: pods.map((pod) => `nats://${pod}:${clientPort}`), replicas };
}

function checkPostgres(objects: K8sObject[], problems: string[]): void {
  const sets = ofKind(objects, 'StatefulSet').filter((set) => spec<WorkloadSpec>(set).template.spec.containers.some((c) => c.image?.startsWith('postgres:')));
  const [set] = sets;
  if (!set || sets.length !== 1) {
    problems.push(`${sets.length} Postgres StatefulSets, not one`);
    return;
  }
  const setSpec = spec<WorkloadSpec>(set);
  if (!(setSpec.volumeClaimTemplates ?? []).some((claim) => claim.spec.resources?.requests?.storage)) problems.push('Postgres StatefulSet has no persistent volume claim');
}

/** Read by Node.js itself, not by a service's config class (the gateway's young-generation size). */
const NODE_RUNTIME_VARIABLES = ['NODE_OPTIONS'];

function checkService(
  deployment: K8sObject,
  config: ServiceConfig,
  objects: K8sObject[],
  expect: Expectations,
  nats: NatsCluster | undefined,
  problems: string[],
): Record<string, string> | undefined {
  const name = deployment.metadata.name;
  const deploymentSpec = spec<WorkloadSpec>(deployment);
  if (!selects(deploymentSpec.selector?.matchLabels, deploymentSpec.template.metadata?.labels)) problems.push(`Deployment ${name}: its selector does not match its pod labels`);
  const containers = deploymentSpec.template.spec.containers;
  const repository = `imagestreams/${name}`;
  const container = containers.find((c) => c.image?.split(':')[0] === repository);
  if (!container) {
    problems.push(`Deployment ${name} has no container running ${repository}`);
    return undefined;
  }
  const where = `Deployment ${name}`;

  const tag = expect.imageTags[repository];
  if (!tag) problems.push(`the overlay pins no tag for ${repository}`);
  else if (container.image !== `${repository}:${tag}`) problems.push(`${where}: image ${container.image}, not ${repository}:${tag}`);

  const { env, problems: envProblems } = resolveEnv(container, objects);
  problems.push(...envProblems.map((problem) => `${where}: ${problem}`));
  for (const key of Object.keys(env)) {
    if (!config.keys.includes(key) && !NODE_RUNTIME_VARIABLES.includes(key)) problems.push(`${where}: ${key} is not a setting of ${name} (not a property of its config class)`);
  }
  for (const key of expect.required) if (!env[key]) problems.push(`${where}: ${key} is not set`);
  if (env['JETSTREAM_REPLICAS'] !== String(expect.jetStreamReplicas)) problems.push(`${where}: JETSTREAM_REPLICAS is ${env['JETSTREAM_REPLICAS'] ?? 'unset'}, not ${expect.jetStreamReplicas}`);
  if (nats) {
    const urls = (env['NATS_URL'] ?? '').split(',').filter(Boolean);
    if (JSON.stringify([...urls].sort()) !== JSON.stringify([...nats.urls].sort())) problems.push(`${where}: NATS_URL ${env['NATS_URL'] ?? '(unset)'} does not list the NATS pods ${nats.urls.join(',')}`);
  }
  problems.push(...config.validate(env).map((problem) => `${where}: invalid configuration: ${problem}`));

  // Probes: liveness /healthz and readiness /readyz on the port the service listens on.
  const httpPort = env['HTTP_PORT'] !== undefined ? Number(env['HTTP_PORT']) : config.defaultHttpPort;
  const declared = container.ports?.map((port) => port.containerPort) ?? [];
  if (!declared.includes(httpPort)) problems.push(`${where}: HTTP_PORT ${httpPort} is not a declared container port (${declared.join(', ') || 'none'})`);
  const probes: [string, Probe | undefined, string, boolean][] = [
    ['livenessProbe', container.livenessProbe, '/healthz', true],
    ['readinessProbe', container.readinessProbe, '/readyz', true],
    ['startupProbe', container.startupProbe, '/healthz', false],
  ];
  for (const [kind, probe, path, required] of probes) {
    if (!probe) {
      if (required) problems.push(`${where}: no ${kind}`);
      continue;
    }
    if (probe.httpGet?.path !== path) problems.push(`${where}: ${kind} checks ${probe.httpGet?.path ?? '(no HTTP GET)'}, not ${path}`);
    const port = containerPort(container, probe.httpGet?.port);
    if (port !== httpPort) problems.push(`${where}: ${kind} port ${String(probe.httpGet?.port)} is ${port ?? 'undeclared'}, not HTTP_PORT ${httpPort}`);
  }

  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) if (!container.resources?.[kind]?.[resource]) problems.push(`${where}: no ${resource} ${kind}`);
  }
  return env;
}

/** DATABASE_URL reaches the Postgres pods through their Service, with the password Postgres was given. */
function checkDatabaseUrls(objects: K8sObject[], envs: Record<string, Record<string, string>>, problems: string[]): void {
  const set = ofKind(objects, 'StatefulSet').find((candidate) => spec<WorkloadSpec>(candidate).template.spec.containers.some((c) => c.image?.startsWith('postgres:')));
  if (!set) return;
  const template = spec<WorkloadSpec>(set).template;
  const postgres = template.spec.containers.find((c) => c.image?.startsWith('postgres:'));
  const password = postgres && resolveEnv(postgres, objects).env['POSTGRES_PASSWORD'];
  for (const [service, env] of Object.entries(envs)) {
    let url: URL;
    try {
      url = new URL(env['DATABASE_URL'] ?? '');
    } catch {
      continue; // reported as invalid configuration already
    }
    const target = find(objects, 'Service', url.hostname.split('.')[0] ?? '');
    if (!target || !selects(spec<ServiceSpec>(target).selector, template.metadata?.labels)) problems.push(`Deployment ${service}: DATABASE_URL host ${url.hostname} is not the Postgres Service`);
    if (decodeURIComponent(url.password) !== password) problems.push(`Deployment ${service}: DATABASE_URL's password is not Postgres's POSTGRES_PASSWORD`);
  }
}

/** The gateway's Service reaches its HTTP port; an Ingress, if any, serves the public registry host through it. */
function checkGatewayExposure(objects: K8sObject[], envs: Record<string, Record<string, string>>, problems: string[]): void {
  const deployment = find(objects, 'Deployment', 'registry-gateway');
  if (!deployment) return;
  const template = spec<WorkloadSpec>(deployment).template;
  const container = template.spec.containers.find((c) => c.name === 'registry-gateway') ?? { name: 'registry-gateway' };
  const services = ofKind(objects, 'Service').filter((service) => selects(spec<ServiceSpec>(service).selector, template.metadata?.labels));
  const [service] = services;
  if (!service || services.length !== 1) {
    problems.push(`${services.length} Services select the registry-gateway pods, not one`);
    return;
  }
  const httpPort = Number(envs['registry-gateway']?.['HTTP_PORT'] ?? NaN);
  const ports = spec<ServiceSpec>(service).ports ?? [];
  if (!ports.some((port) => containerPort(container, port.targetPort ?? port.port) === httpPort)) problems.push(`Service ${service.metadata.name} does not reach the gateway's HTTP_PORT ${httpPort}`);

  const publicHost = envs['stream-service']?.['PUBLIC_REGISTRY_HOSTNAME'];
  for (const ingress of ofKind(objects, 'Ingress')) {
    const rules = spec<{ rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string; port?: { name?: string; number?: number } } } }[] } }[] }>(ingress).rules ?? [];
    for (const rule of rules) {
      if (publicHost && rule.host !== publicHost) problems.push(`Ingress ${ingress.metadata.name} serves ${rule.host}, but PUBLIC_REGISTRY_HOSTNAME is ${publicHost}`);
      for (const path of rule.http?.paths ?? []) {
        const backend = path.backend?.service;
        const port = ports.find((candidate) => (backend?.port?.name !== undefined ? candidate.name === backend.port.name : candidate.port === backend?.port?.number));
        if (backend?.name !== service.metadata.name || !port) problems.push(`Ingress ${ingress.metadata.name} does not route to a port of Service ${service.metadata.name}`);
      }
    }
  }
}
