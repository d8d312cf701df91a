import type { PolicyRule } from './rbac';

/**
 * The ClusterRoles every installation has (docs/access-control.md), modelled on OpenShift's.
 * Verbs are listed rather than `*` so a verb added later (bind, escalate, impersonate, ...) is
 * granted by nobody but cluster-admin until a role says so.
 */
const READ: readonly string[] = ['get', 'list', 'watch'];
const WRITE: readonly string[] = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ALL: readonly string[] = [...READ, ...WRITE];

/** Namespaced resources by API group, as the gateway serves them (discovery/api-resources.ts). */
interface ResourceGroup {
  apiGroup: string;
  resources: readonly string[];
}

const NAMESPACED_RESOURCES: readonly ResourceGroup[] = [
  { apiGroup: '', resources: ['serviceaccounts'] },
  {
    apiGroup: 'image.openshift.io',
    resources: [
      'imagestreams',
      'imagestreams/status',
      'imagestreams/layers',
      'imagestreamtags',
      'imagestreamtags/rollback',
      'imagestreamimages',
      'imagestreammappings',
      'imagestreamimports',
    ],
  },
  { apiGroup: 'notifications.imagestreams.io', resources: ['webhooksubscriptions', 'webhooksubscriptions/*', 'tagmovedryruns'] },
  { apiGroup: 'build.openshift.io', resources: ['buildconfigs', 'buildconfigs/*', 'builds', 'builds/*'] },
  { apiGroup: 'apps.openshift.io', resources: ['deploymentconfigs', 'deploymentconfigs/*'] },
  { apiGroup: 'apps', resources: ['deployments', 'statefulsets', 'daemonsets'] },
  { apiGroup: 'batch', resources: ['cronjobs'] },
  { apiGroup: 'template.openshift.io', resources: ['templates', 'processedtemplates', 'templateinstances', 'templateinstances/*'] },
];

/** What `view` may not read: credentials (pull secrets and a stream's pull secrets). */
const SECRET_RESOURCES: readonly ResourceGroup[] = [
  { apiGroup: '', resources: ['secrets'] },
  { apiGroup: 'image.openshift.io', resources: ['imagestreams/secrets'] },
];

const RBAC_RESOURCES: ResourceGroup = { apiGroup: 'rbac.authorization.k8s.io', resources: ['roles', 'rolebindings'] };

const REGISTRY_RESOURCES = ['imagestreams', 'imagestreams/layers', 'imagestreamtags', 'imagestreamimages'];

/** Discovery and version, which every client (kubectl, oc) reads before anything else. */
const DISCOVERY_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/version', '/version/'];

function rules(verbs: readonly string[], groups: readonly ResourceGroup[]): PolicyRule[] {
  return groups.map(({ apiGroup, resources }) => ({ verbs: [...verbs], apiGroups: [apiGroup], resources: [...resources] }));
}

/** Minting access tokens for a namespace's service accounts (Kubernetes' TokenRequest right), which admin and edit have. */
const SERVICE_ACCOUNT_TOKENS: PolicyRule = { verbs: ['create'], apiGroups: [''], resources: ['serviceaccounts/token'] };

const editRules = [...rules(ALL, NAMESPACED_RESOURCES), ...rules(ALL, SECRET_RESOURCES), SERVICE_ACCOUNT_TOKENS];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

// Frozen: these rules are served read-only and evaluated on every request; nobody may edit them in place.
export const BUILT_IN_CLUSTER_ROLES: Readonly<Record<string, PolicyRule[]>> = deepFreeze({
  'cluster-admin': [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ],
  admin: [...editRules, ...rules(ALL, [RBAC_RESOURCES])],
  edit: editRules,
  view: rules(READ, NAMESPACED_RESOURCES),
  'registry-viewer': [{ verbs: [...READ], apiGroups: ['image.openshift.io'], resources: [...REGISTRY_RESOURCES] }],
  'registry-editor': [
    { verbs: [...READ], apiGroups: ['image.openshift.io'], resources: [...REGISTRY_RESOURCES] },
    { verbs: ['create', 'update', 'patch', 'delete'], apiGroups: ['image.openshift.io'], resources: [...REGISTRY_RESOURCES, 'imagestreammappings'] },
  ],
  'system:image-puller': [{ verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'] }],
  'system:image-pusher': [{ verbs: ['get', 'update'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'] }],
  // Bound to system:authenticated. Namespace creation is OpenShift's self-provisioner grant, given
  // here because every authenticated user has it; discovery is Kubernetes' system:discovery.
  'basic-user': [
    { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] },
    { verbs: ['get'], apiGroups: ['user.openshift.io'], resources: ['users'], resourceNames: ['~'] },
    { verbs: ['create'], apiGroups: [''], resources: ['namespaces'] },
    { verbs: ['get'], nonResourceURLs: DISCOVERY_URLS },
  ],
});

export function isBuiltInClusterRole(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_CLUSTER_ROLES, name);
}
