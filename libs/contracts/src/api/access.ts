import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import type { ObjectMeta } from './object-meta';
import type { ResourceRef } from './status';

/**
 * Identities (docs/access-control.md): OpenShift's `User`, Kubernetes' `ServiceAccount`, and our
 * `AccessToken`, the credential either of them presents.
 */
export const UserResource: ResourceRef = { resource: 'users', group: 'user.openshift.io', kind: 'User' };
export const ServiceAccountResource: ResourceRef = { resource: 'serviceaccounts', group: '', kind: 'ServiceAccount' };
export const AccessTokenResource: ResourceRef = { resource: 'accesstokens', group: 'access.imagestreams.io', kind: 'AccessToken' };

/** `users/~`: OpenShift's name for "the user making this request". */
export const CURRENT_USER_NAME = '~';

/**
 * OpenShift's user name rule (no `/`, `%` or `:`, which the paths, RBAC subjects and the reserved
 * `system:` names need), narrowed to what identity providers hand out: letters, digits and `._@+-`.
 */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;
/** Group names may carry a prefix (`ldap:team-a`), but never claim the reserved `system:` ones. */
const GROUP_NAME = /^(?!system:)[A-Za-z0-9][A-Za-z0-9._@+:-]*$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A token lives at most ten years: far enough for "never", near enough to stay a valid date. */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 365 * 24 * 60 * 60;

/** Only the name is read: users and service accounts keep no labels or annotations (unknown fields are dropped). */
export class UserMetaInput {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  @Matches(USER_NAME, { message: 'must consist of letters, digits and ._@+- and start with a letter or digit' })
  name: string;
}

export class UserInput {
  @IsOptional()
  @IsIn(['user.openshift.io/v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['User'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => UserMetaInput)
  metadata: UserMetaInput;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  fullName?: string;

  /** Groups RBAC bindings may name; `system:authenticated` is added to every user anyway. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @Matches(GROUP_NAME, { each: true, message: 'each group must consist of letters, digits and ._@+:- and may not start with system:' })
  groups?: string[];
}

export class ServiceAccountMetaInput {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  @Matches(DNS_SUBDOMAIN, { message: 'must be a lowercase RFC 1123 subdomain' })
  name: string;

  /** Checked against the URL by the controller (assertBodyNamespace). */
  @IsOptional()
  @IsString()
  namespace?: string;
}

export class ServiceAccountInput {
  @IsOptional()
  @IsIn(['v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['ServiceAccount'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ServiceAccountMetaInput)
  metadata: ServiceAccountMetaInput;
}

export const ACCESS_TOKEN_SUBJECT_KINDS = ['User', 'ServiceAccount'] as const;
export type AccessTokenSubjectKind = (typeof ACCESS_TOKEN_SUBJECT_KINDS)[number];

export class AccessTokenSubjectInput {
  @IsDefined()
  @IsIn(ACCESS_TOKEN_SUBJECT_KINDS)
  kind: AccessTokenSubjectKind;

  @IsDefined()
  @IsString()
  @MaxLength(253)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/, { message: 'must be a user or service account name' })
  name: string;

  /** The service account's namespace; must be absent for a user. */
  @ValidateIf((subject: AccessTokenSubjectInput) => subject.kind === 'ServiceAccount' || subject.namespace !== undefined)
  @IsDefined({ message: 'namespace is required for a ServiceAccount' })
  @IsString()
  @MaxLength(63)
  @Matches(DNS_LABEL, { message: 'must be a namespace name (a lowercase RFC 1123 label)' })
  namespace?: string;
}

export class AccessTokenSpecInput {
  /** Whose token this is; the caller when absent. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AccessTokenSubjectInput)
  subject?: AccessTokenSubjectInput;

  /** RFC 3339 time after which the token is refused; neither this nor expiresInSeconds = never expires. */
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_LIFETIME_SECONDS)
  expiresInSeconds?: number;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;
}

/** The name is the server's (derived from the token's hash): metadata is not read. */
export class AccessTokenInput {
  @IsOptional()
  @IsIn(['access.imagestreams.io/v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['AccessToken'])
  kind?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AccessTokenSpecInput)
  spec?: AccessTokenSpecInput;
}

export interface User {
  kind: 'User';
  apiVersion: 'user.openshift.io/v1';
  /** Only the name on `users/~` for a caller that is no stored user (a service account, anonymous). */
  metadata: ObjectMeta | { name: string };
  fullName?: string;
  /** External identities (OpenShift's field); always empty here: users are created through the API. */
  identities: string[];
  groups: string[];
}

export interface ServiceAccount {
  kind: 'ServiceAccount';
  apiVersion: 'v1';
  metadata: ObjectMeta;
}

export interface AccessTokenSubject {
  kind: AccessTokenSubjectKind;
  name: string;
  namespace?: string;
}

export interface AccessToken {
  kind: 'AccessToken';
  apiVersion: 'access.imagestreams.io/v1';
  metadata: ObjectMeta;
  spec: { subject: AccessTokenSubject; expiresAt?: string; description?: string };
  /** `token` only in the answer to create: it is never stored, only its SHA-256. */
  status: { token?: string; lastUsedAt?: string };
}

export interface UserList {
  kind: 'UserList';
  apiVersion: 'user.openshift.io/v1';
  metadata: { resourceVersion: string };
  items: User[];
}

export interface ServiceAccountList {
  kind: 'ServiceAccountList';
  apiVersion: 'v1';
  metadata: { resourceVersion: string };
  items: ServiceAccount[];
}

export interface AccessTokenList {
  kind: 'AccessTokenList';
  apiVersion: 'access.imagestreams.io/v1';
  metadata: { resourceVersion: string };
  items: AccessToken[];
}
