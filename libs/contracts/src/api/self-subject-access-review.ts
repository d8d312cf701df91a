import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { ResourceRef, StatusCause } from './status';

/** `authorization.k8s.io/v1` SelfSubjectAccessReview: "may I?", answered for the caller and never stored. */
export const AUTHORIZATION_API_GROUP = 'authorization.k8s.io';
export const AUTHORIZATION_API_VERSION = `${AUTHORIZATION_API_GROUP}/v1`;

export const SelfSubjectAccessReviewResource: ResourceRef = { resource: 'selfsubjectaccessreviews', group: AUTHORIZATION_API_GROUP, kind: 'SelfSubjectAccessReview' };

const MAX_FIELD = 1024;

export class ResourceAttributesInput {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  namespace?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  verb?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  group?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  version?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  resource?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  subresource?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  name?: string;
}

export class NonResourceAttributesInput {
  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  path?: string;

  @IsOptional()
  @IsString()
  @MaxLength(MAX_FIELD)
  verb?: string;
}

export class SelfSubjectAccessReviewSpecInput {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResourceAttributesInput)
  resourceAttributes?: ResourceAttributesInput;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NonResourceAttributesInput)
  nonResourceAttributes?: NonResourceAttributesInput;
}

export class SelfSubjectAccessReviewInput {
  @IsOptional()
  @IsIn([AUTHORIZATION_API_VERSION])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['SelfSubjectAccessReview'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SelfSubjectAccessReviewSpecInput)
  spec: SelfSubjectAccessReviewSpecInput;
}

/** Kubernetes wants exactly one of the two attribute sets. */
export function accessReviewSpecProblems(spec: SelfSubjectAccessReviewSpecInput): StatusCause[] {
  const given = [spec.resourceAttributes, spec.nonResourceAttributes].filter((attributes) => attributes !== undefined).length;
  if (given === 1) return [];
  return [{ reason: 'FieldValueInvalid', message: 'exactly one of nonResourceAttributes or resourceAttributes must be specified', field: 'spec.resourceAttributes' }];
}

export interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  version?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export interface NonResourceAttributes {
  path?: string;
  verb?: string;
}

export interface SelfSubjectAccessReview {
  kind: 'SelfSubjectAccessReview';
  apiVersion: typeof AUTHORIZATION_API_VERSION;
  metadata: { creationTimestamp: null };
  spec: { resourceAttributes?: ResourceAttributes; nonResourceAttributes?: NonResourceAttributes };
  status: { allowed: boolean; denied?: boolean; reason?: string };
}
