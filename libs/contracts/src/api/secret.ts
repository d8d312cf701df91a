import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import type { ObjectMeta } from './object-meta';
import { ObjectMetaInput } from './object-meta';
import type { ResourceRef } from './status';

export const SecretResource: ResourceRef = { resource: 'secrets', group: '', kind: 'Secret' };

/** The secret types that hold registry credentials: the only ones this system stores (imports use them). */
export const REGISTRY_SECRET_TYPES = ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'] as const;
export type RegistrySecretType = (typeof REGISTRY_SECRET_TYPES)[number];

/** Secrets annotated with this are not offered to imports (OpenShift's `imagestreams/{name}/secrets` rule). */
export const EXCLUDE_SECRET_ANNOTATION = 'openshift.io/image.excludeSecret';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export class SecretMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  @Matches(DNS_SUBDOMAIN, { message: 'must be a lowercase RFC 1123 subdomain' })
  name: string;
}

export class SecretInput {
  @IsOptional()
  @IsIn(['v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['Secret'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SecretMetaInput)
  metadata: SecretMetaInput;

  @IsDefined()
  @IsIn(REGISTRY_SECRET_TYPES, { message: `type must be one of ${REGISTRY_SECRET_TYPES.join(', ')}: only registry credentials are stored` })
  type: string;

  /** Base64 values, as in Kubernetes: `.dockerconfigjson` or `.dockercfg`. */
  @IsOptional()
  @IsObject()
  data?: Record<string, string>;

  /** Plain-text values, merged into data on write (Kubernetes' convenience field). */
  @IsOptional()
  @IsObject()
  stringData?: Record<string, string>;
}

export interface Secret {
  kind: 'Secret';
  apiVersion: 'v1';
  metadata: ObjectMeta;
  type: RegistrySecretType;
  /** The data keys the secret holds, every value empty: stored credentials are never answered back. */
  data: Record<string, string>;
}

export interface SecretList {
  kind: 'SecretList';
  apiVersion: 'v1';
  metadata: { resourceVersion: string };
  items: Secret[];
}
