export {
  ANONYMOUS,
  ANONYMOUS_USERNAME,
  AUTHENTICATED_GROUP,
  CLUSTER_ADMINS_GROUP,
  parseServiceAccountUsername,
  SERVICE_ACCOUNT_USERNAME_PREFIX,
  SERVICE_ACCOUNTS_GROUP,
  serviceAccountIdentity,
  serviceAccountUsername,
  UNAUTHENTICATED_GROUP,
  userIdentity,
  type Identity,
  type IdentityKind,
} from './identity';
export { requestAttributes, type RequestAttributes, type ResourceAttributes, type Verb } from './request-attributes';
export {
  authorize,
  forbiddenMessage,
  NO_POLICY_MATCHED,
  ruleAllows,
  subjectMatches,
  type Decision,
  type PolicyRule,
  type PolicySource,
  type RoleBinding,
  type RoleRef,
  type Subject,
} from './rbac';
export { policySourceOf, type NamespacedRole, type PolicyData } from './policy-source';
export { BUILT_IN_CLUSTER_ROLES, isBuiltInClusterRole } from './built-in-roles';
export {
  formatScope,
  isRegistryAction,
  MAX_SCOPES,
  parseScopes,
  registryActionAttributes,
  splitRepositoryName,
  type RegistryAction,
  type RegistryScope,
  type RepositoryScope,
  type Scope,
} from './registry-scope';
export { ACCESS_TOKEN_PREFIX, bearerToken, hashAccessToken, looksLikeAccessToken, newAccessToken, parseBasicCredentials } from './access-tokens';
export * from './tag-sources';
