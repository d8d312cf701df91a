import { IsOptional, IsString, MaxLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { annotationsProblems, labelsProblems, METADATA_MAP_RULES, stringMapProblems } from '@imagestreams/domain-labels';
import type { StatusCause } from './status';

/** Output shape of metadata on every resource the API returns. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function byMapRule(ruleName: string, problems: (value: unknown) => string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: ruleName, validator: { validate: (value: unknown) => problems(value).length === 0, defaultMessage: (args) => problems(args?.value).join('; ') } }, options);
}

/** Kubernetes labels: valid keys mapped to valid label values (see domain-labels' `labelsProblems`). */
export const IsLabels = (options?: ValidationOptions) => byMapRule('isLabels', labelsProblems, options);
/** Kubernetes annotations: valid keys mapped to strings, 256 KiB in all. */
export const IsAnnotations = (options?: ValidationOptions) => byMapRule('isAnnotations', annotationsProblems, options);

/** A map of strings with no rule on the keys (an image stream tag's annotations, as OpenShift keeps them). */
export const IsStringMap = (options?: ValidationOptions) => byMapRule('isStringMap', stringMapProblems, options);

/**
 * The same rules for metadata that arrives as free-form JSON (workloads, template instances): one
 * FieldValueInvalid cause per problem of `metadata.labels` and `metadata.annotations`.
 */
export function metadataMapCauses(metadata: Record<string, unknown>): StatusCause[] {
  return Object.entries(METADATA_MAP_RULES).flatMap(([map, problemsOf]) =>
    metadata[map] == null ? [] : problemsOf(metadata[map]).map((problem) => ({ reason: 'FieldValueInvalid' as const, field: `metadata.${map}`, message: `Invalid value: ${problem}` })),
  );
}

/** Input metadata; the specific `name` rule is added by each resource's DTO. */
export class ObjectMetaInput {
  @IsOptional()
  @IsString()
  namespace?: string;

  @IsOptional()
  @IsLabels()
  labels?: Record<string, string>;

  @IsOptional()
  @IsAnnotations()
  annotations?: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  resourceVersion?: string;
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
}

export interface List<T> {
  kind: string;
  apiVersion: string;
  metadata: ListMeta;
  items: T[];
}
