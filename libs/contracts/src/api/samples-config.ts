import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ObjectMetaInput, type ObjectMeta } from './object-meta';
import type { ResourceRef } from './status';

/**
 * The Cluster Samples Operator's `Config` (`samples.operator.openshift.io/v1`): cluster scoped and
 * a singleton named `cluster`. template-service stores it and reconciles the samples catalog
 * (image streams and templates in the samples namespace) against it.
 */
export const SAMPLES_API_GROUP = 'samples.operator.openshift.io';
export const SAMPLES_API_VERSION = `${SAMPLES_API_GROUP}/v1`;
export const SamplesConfigResource: ResourceRef = { resource: 'configs', group: SAMPLES_API_GROUP, kind: 'Config' };
/** The one Config there is; any other name is not found. */
export const SAMPLES_CONFIG_NAME = 'cluster';

/** On every sample the operator manages: `"true"`, or `"false"` once the sample is skipped. */
export const SAMPLES_MANAGED_LABEL = 'samples.operator.openshift.io/managed';
/** On every sample the operator wrote: the catalog version it came from. */
export const SAMPLES_VERSION_ANNOTATION = 'samples.operator.openshift.io/version';

/** What the CRD accepts (`^(Managed|Unmanaged|Force|Removed)$`); anything but Unmanaged and Removed acts as Managed. */
export const SAMPLES_MANAGEMENT_STATES = ['Managed', 'Unmanaged', 'Force', 'Removed'] as const;
export type SamplesManagementState = (typeof SAMPLES_MANAGEMENT_STATES)[number];
/** `spec.architectures` values the operator supports (only the first entry is used). */
export const SAMPLES_ARCHITECTURES = ['x86_64', 'amd64', 'arm64', 'ppc64le', 's390x'] as const;

/**
 * A registry host with an optional port and path (`mirror.example.com:5000`, `foo.io/bar`), as
 * `samplesRegistry` is used: a prefix of pull specs. Empty means "the registries in the catalog".
 */
export const SAMPLES_REGISTRY_PATTERN = /^$|^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

export type SamplesConditionType = 'ConfigurationValid' | 'SamplesExist' | 'ImportImageErrorsExist' | 'RemovePending';

export interface SamplesCondition {
  type: SamplesConditionType;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface SamplesConfigSpec {
  managementState: string;
  samplesRegistry?: string;
  architectures: string[];
  skippedImagestreams: string[];
  skippedTemplates: string[];
}

export interface SamplesConfigStatus {
  /** What was last applied: Managed (also for Force), Unmanaged or Removed; empty before the first reconcile. */
  managementState?: string;
  conditions: SamplesCondition[];
  samplesRegistry?: string;
  architectures?: string[];
  skippedImagestreams?: string[];
  skippedTemplates?: string[];
  /** The catalog version last applied. */
  version?: string;
}

export interface SamplesConfig {
  apiVersion: typeof SAMPLES_API_VERSION;
  kind: 'Config';
  metadata: ObjectMeta;
  spec: SamplesConfigSpec;
  status: SamplesConfigStatus;
}

export interface SamplesConfigList {
  apiVersion: typeof SAMPLES_API_VERSION;
  kind: 'ConfigList';
  metadata: { resourceVersion: string };
  items: SamplesConfig[];
}

/** Names of samples to leave alone (`skippedImagestreams`, `skippedTemplates`). */
function SampleNames(): PropertyDecorator {
  const decorators = [IsOptional(), IsArray(), ArrayMaxSize(1000), IsString({ each: true }), MaxLength(253, { each: true })];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

export class SamplesConfigSpecInput {
  @IsOptional()
  @IsIn(SAMPLES_MANAGEMENT_STATES, {
    message: (args) => `Unsupported value: ${JSON.stringify(args.value)}: supported values: ${SAMPLES_MANAGEMENT_STATES.map((state) => `"${state}"`).join(', ')}`,
  })
  managementState?: string;

  @IsOptional()
  @IsString()
  @MaxLength(253)
  @Matches(SAMPLES_REGISTRY_PATTERN, { message: 'must be a registry host with an optional port and path, e.g. mirror.example.com:5000 or foo.io/bar' })
  samplesRegistry?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsIn(SAMPLES_ARCHITECTURES, { each: true, message: `each architecture must be one of ${SAMPLES_ARCHITECTURES.join(', ')}` })
  architectures?: string[];

  @SampleNames()
  skippedImagestreams?: string[];

  @SampleNames()
  skippedTemplates?: string[];
}

export class SamplesConfigMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  uid?: string;
}

/** PUT body (and the result of a merge patch): `status` is the operator's and is ignored. */
export class SamplesConfigInput {
  @IsOptional()
  @IsIn([SAMPLES_API_VERSION])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['Config'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SamplesConfigMetaInput)
  metadata: SamplesConfigMetaInput;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SamplesConfigSpecInput)
  spec?: SamplesConfigSpecInput;
}
