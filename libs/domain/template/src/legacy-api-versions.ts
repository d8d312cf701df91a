import type { JsonObject } from './types';

const withLists = (...kinds: string[]) => kinds.flatMap((kind) => [kind, `${kind}List`]);

/** OpenShift kinds that predate API groups and were served ungrouped as `v1` (library-go `legacygroupification`). */
const LEGACY_KIND_GROUPS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'apps.openshift.io': [...withLists('DeploymentConfig'), 'DeploymentConfigRollback', 'DeploymentLog', 'DeploymentRequest'],
    'authorization.openshift.io': [
      ...withLists('Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'RoleBindingRestriction'),
      'SubjectRulesReview',
      'SelfSubjectRulesReview',
      'ResourceAccessReview',
      'LocalResourceAccessReview',
      'SubjectAccessReview',
      'LocalSubjectAccessReview',
    ],
    'build.openshift.io': [...withLists('BuildConfig', 'Build'), 'BuildLog', 'BuildRequest', 'BinaryBuildRequestOptions'],
    'image.openshift.io': [
      ...withLists('Image', 'ImageStream', 'ImageStreamTag'),
      'ImageSignature',
      'ImageStreamImage',
      'ImageStreamImport',
      'ImageStreamMapping',
    ],
    'network.openshift.io': withLists('ClusterNetwork', 'EgressNetworkPolicy', 'HostSubnet', 'NetNamespace'),
    'oauth.openshift.io': withLists('OAuthAccessToken', 'OAuthAuthorizeToken', 'OAuthClientAuthorization', 'OAuthClient'),
    'project.openshift.io': [...withLists('Project'), 'ProjectRequest'],
    'quota.openshift.io': withLists('ClusterResourceQuota', 'AppliedClusterResourceQuota'),
    'route.openshift.io': withLists('Route'),
    'security.openshift.io': [
      ...withLists('SecurityContextConstraints'),
      'PodSecurityPolicySubjectReview',
      'PodSecurityPolicySelfSubjectReview',
      'PodSecurityPolicyReview',
    ],
    'template.openshift.io': withLists('Template'),
    'user.openshift.io': [...withLists('Group', 'Identity', 'User'), 'UserIdentityMapping'],
  }).flatMap(([group, kinds]) => kinds.map((kind) => [kind, group] as const)),
);

/** The API group an ungrouped object of this kind belongs to, if it is a legacy OpenShift kind. */
export function legacyKindGroup(kind: string): string | undefined {
  return LEGACY_KIND_GROUPS.get(kind);
}

/**
 * A copy of `object` whose ungrouped `apiVersion` (`v1`) names the group, for the legacy
 * OpenShift kinds (`Route` `v1` → `route.openshift.io/v1`), so that modern servers accept it.
 * Runs after substitution, so a parameterised `kind` counts. Grouped objects, core kinds and
 * kinds outside the table (a `v1` `Deployment`) are left alone. A missing or non-string
 * `apiVersion` comes out as `""`, as OpenShift writes it back.
 */
export function groupifyLegacyApiVersion(object: JsonObject): JsonObject {
  const apiVersion = typeof object['apiVersion'] === 'string' ? object['apiVersion'] : '';
  const kind = object['kind'];
  // An empty version has nothing to attach a group to (OpenShift would write `route.openshift.io/`).
  const group = apiVersion !== '' && !apiVersion.includes('/') && typeof kind === 'string' ? legacyKindGroup(kind) : undefined;
  const groupified = group === undefined ? apiVersion : `${group}/${apiVersion}`;
  return groupified === object['apiVersion'] ? object : { ...object, apiVersion: groupified };
}
