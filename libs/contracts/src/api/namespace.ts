import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { IsNamespaceName } from './names';
import { ObjectMeta, ObjectMetaInput } from './object-meta';
import type { ResourceRef } from './status';

export const NamespaceResource: ResourceRef = { resource: 'namespaces', group: '', kind: 'Namespace' };

export class NamespaceMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @IsNamespaceName()
  name: string;
}

export class CreateNamespaceRequest {
  @IsOptional()
  @IsIn(['v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['Namespace'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => NamespaceMetaInput)
  metadata: NamespaceMetaInput;
}

export interface Namespace {
  kind: 'Namespace';
  apiVersion: 'v1';
  metadata: ObjectMeta;
  spec: { finalizers: string[] };
  status: { phase: 'Active' | 'Terminating' };
}
