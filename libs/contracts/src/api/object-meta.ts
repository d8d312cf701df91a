import { IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

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

/** Input metadata; the specific `name` rule is added by each resource's DTO. */
export class ObjectMetaInput {
  @IsOptional()
  @IsString()
  namespace?: string;

  @IsOptional()
  @IsObject()
  labels?: Record<string, string>;

  @IsOptional()
  @IsObject()
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
