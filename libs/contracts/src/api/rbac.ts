import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import type { List, ObjectMeta } from './object-meta';
import { ObjectMetaInput } from './object-meta';
import type { ResourceRef, StatusCause } from './status';

/** Kubernetes RBAC (`rbac.authorization.k8s.io/v1`): who may do what, in the shapes kubectl reads and writes. */
export const RBAC_API_GROUP = 'rbac.authorization.k8s.io';
export const RBAC_API_VERSION = `${RBAC_API_GROUP}/v1`;

export const RoleResource: ResourceRef = { resource: 'roles', group: RBAC_API_GROUP, kind: 'Role' };
export const RoleBindingResource: ResourceRef = { resource: 'rolebindings', group: RBAC_API_GROUP, kind: 'RoleBinding' };
export const ClusterRoleResource: ResourceRef = { resource: 'clusterroles', group: RBAC_API_GROUP, kind: 'ClusterRole' };
export const ClusterRoleBindingResource: ResourceRef = { resource: 'clusterrolebindings', group: RBAC_API_GROUP, kind: 'ClusterRoleBinding' };

/**
 * RBAC object names are path segments, not DNS names (`system:image-puller`): anything but `/`
 * and `%`, and not `.` or `..` (Kubernetes' `ValidateRBACName`).
 */
const RBAC_NAME = /^(?!\.\.?$)[^/%]+$/;
const RBAC_NAME_MESSAGE = "may not be '.' or '..' and may not contain '/' or '%'";

/** A rule's lists are short in practice; the cap keeps one object's policy check bounded. */
const MAX_RULE_ENTRIES = 256;
const MAX_RULES = 1024;
const MAX_SUBJECTS = 1024;

export const SUBJECT_KINDS = ['User', 'Group', 'ServiceAccount'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
export const ROLE_REF_KINDS = ['Role', 'ClusterRole'] as const;

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

export interface RoleRef {
  apiGroup: typeof RBAC_API_GROUP;
  kind: (typeof ROLE_REF_KINDS)[number];
  name: string;
}

export interface RbacSubject {
  kind: SubjectKind;
  /** `rbac.authorization.k8s.io` for users and groups, empty for service accounts. */
  apiGroup?: string;
  name: string;
  /** Service accounts only. */
  namespace?: string;
}

export interface Role {
  kind: 'Role';
  apiVersion: typeof RBAC_API_VERSION;
  metadata: ObjectMeta;
  rules: PolicyRule[];
}

export interface ClusterRole {
  kind: 'ClusterRole';
  apiVersion: typeof RBAC_API_VERSION;
  metadata: ObjectMeta;
  rules: PolicyRule[];
}

export interface RoleBinding {
  kind: 'RoleBinding';
  apiVersion: typeof RBAC_API_VERSION;
  metadata: ObjectMeta;
  roleRef: RoleRef;
  subjects?: RbacSubject[];
}

export interface ClusterRoleBinding {
  kind: 'ClusterRoleBinding';
  apiVersion: typeof RBAC_API_VERSION;
  metadata: ObjectMeta;
  roleRef: RoleRef;
  subjects?: RbacSubject[];
}

export type RoleList = List<Role>;
export type ClusterRoleList = List<ClusterRole>;
export type RoleBindingList = List<RoleBinding>;
export type ClusterRoleBindingList = List<ClusterRoleBinding>;

export class RbacMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  @Matches(RBAC_NAME, { message: RBAC_NAME_MESSAGE })
  name: string;

  /** On PUT, a precondition like resourceVersion (409 when it names another object). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  uid?: string;
}

export class PolicyRuleInput {
  @IsDefined()
  @IsArray()
  @ArrayMaxSize(MAX_RULE_ENTRIES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  verbs: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RULE_ENTRIES)
  @IsString({ each: true })
  apiGroups?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RULE_ENTRIES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  resources?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RULE_ENTRIES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  resourceNames?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RULE_ENTRIES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  nonResourceURLs?: string[];
}

abstract class RoleInputBase {
  @IsOptional()
  @IsIn([RBAC_API_VERSION])
  apiVersion?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RbacMetaInput)
  metadata: RbacMetaInput;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_RULES)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => PolicyRuleInput)
  rules?: PolicyRuleInput[];
}

export class RoleInput extends RoleInputBase {
  @IsOptional()
  @IsIn(['Role'])
  kind?: string;
}

export class ClusterRoleInput extends RoleInputBase {
  @IsOptional()
  @IsIn(['ClusterRole'])
  kind?: string;
}

export class RoleRefInput {
  @IsDefined()
  @IsIn([RBAC_API_GROUP])
  apiGroup: string;

  @IsDefined()
  @IsIn(ROLE_REF_KINDS)
  kind: string;

  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  @Matches(RBAC_NAME, { message: RBAC_NAME_MESSAGE })
  name: string;
}

export class SubjectInput {
  @IsDefined()
  @IsIn(SUBJECT_KINDS)
  kind: string;

  @IsOptional()
  @IsString()
  apiGroup?: string;

  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(63)
  namespace?: string;
}

abstract class BindingInputBase {
  @IsOptional()
  @IsIn([RBAC_API_VERSION])
  apiVersion?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RbacMetaInput)
  metadata: RbacMetaInput;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RoleRefInput)
  roleRef: RoleRefInput;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_SUBJECTS)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SubjectInput)
  subjects?: SubjectInput[];
}

export class RoleBindingInput extends BindingInputBase {
  @IsOptional()
  @IsIn(['RoleBinding'])
  kind?: string;
}

export class ClusterRoleBindingInput extends BindingInputBase {
  @IsOptional()
  @IsIn(['ClusterRoleBinding'])
  kind?: string;
}

/**
 * Cross-field rules of a role's rules, as Kubernetes validates them: a resource rule names API
 * groups; non-resource URLs exist only cluster-wide and never mix with resources.
 */
export function policyRuleProblems(rules: readonly PolicyRule[], scope: { namespaced: boolean }): StatusCause[] {
  const causes: StatusCause[] = [];
  rules.forEach((rule, index) => {
    const field = `rules[${index}]`;
    if (rule.verbs.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'verbs must contain at least one value', field: `${field}.verbs` });
    const urls = rule.nonResourceURLs ?? [];
    const resources = rule.resources ?? [];
    if (urls.length > 0) {
      if (scope.namespaced) causes.push({ reason: 'FieldValueInvalid', message: 'namespaced rules cannot apply to non-resource URLs', field: `${field}.nonResourceURLs` });
      if (resources.length > 0 || (rule.apiGroups ?? []).length > 0) {
        causes.push({ reason: 'FieldValueInvalid', message: 'rules cannot apply to both regular resources and non-resource URLs', field: `${field}.nonResourceURLs` });
      }
    } else {
      if (resources.length === 0) causes.push({ reason: 'FieldValueRequired', message: 'resource rules must supply at least one resource', field: `${field}.resources` });
      if ((rule.apiGroups ?? []).length === 0) causes.push({ reason: 'FieldValueRequired', message: 'resource rules must supply at least one api group', field: `${field}.apiGroups` });
    }
  });
  return causes;
}

/** A binding's subjects: service accounts name their namespace (a RoleBinding's own by default), users and groups have no namespace. */
export function subjectProblems(subjects: readonly Pick<SubjectInput, 'kind' | 'apiGroup' | 'namespace'>[], scope: { namespaced: boolean }): StatusCause[] {
  const causes: StatusCause[] = [];
  subjects.forEach((subject, index) => {
    const field = `subjects[${index}]`;
    if (subject.kind === 'ServiceAccount') {
      if ((subject.apiGroup ?? '') !== '') causes.push({ reason: 'FieldValueNotSupported', message: 'supported values: ""', field: `${field}.apiGroup` });
      if (!scope.namespaced && !subject.namespace) causes.push({ reason: 'FieldValueRequired', message: 'service account subjects need a namespace', field: `${field}.namespace` });
    } else if (subject.apiGroup !== undefined && subject.apiGroup !== RBAC_API_GROUP) {
      causes.push({ reason: 'FieldValueNotSupported', message: `supported values: "${RBAC_API_GROUP}"`, field: `${field}.apiGroup` });
    }
  });
  return causes;
}
