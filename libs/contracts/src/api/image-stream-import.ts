import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import type { Image } from './image';
import type { ImageStream } from './image-stream';
import { TagPoliciesInput } from './image-stream-input';
import { IsImageStreamName, IsTagName } from './names';
import { ObjectMetaInput } from './object-meta';
import type { ResourceRef } from './status';
import { IMAGE_API_GROUP } from './image-stream';

export const ImageStreamImportResource: ResourceRef = { resource: 'imagestreamimports', group: IMAGE_API_GROUP, kind: 'ImageStreamImport' };

/** The most images one ImageStreamImport may name, and the bulk repository import's default cap (OpenShift's). */
export const MAX_IMPORT_IMAGES = 200;
export const DEFAULT_BULK_IMPORT_LIMIT = 50;

export class DockerImageReferenceInput {
  @IsDefined()
  @IsIn(['DockerImage'], { message: 'only DockerImage sources can be imported' })
  kind: string;

  @IsDefined()
  @IsString()
  @MaxLength(1024)
  name: string;
}

export class LocalTagInput {
  @IsDefined()
  @IsString()
  @IsTagName()
  name: string;
}

/** What an image or a repository import names: its source and how the resulting tag imports and pulls. */
export class ImportSourceInput extends TagPoliciesInput {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => DockerImageReferenceInput)
  from: DockerImageReferenceInput;

  @IsOptional()
  @IsBoolean()
  includeManifest?: boolean;
}

export class ImageImportSpecInput extends ImportSourceInput {
  /** The tag to set; without it the image is only looked at (its status comes back, no tag moves). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LocalTagInput)
  to?: LocalTagInput;
}

/** `spec.repository`: every tag of `from` (a repository, no tag or digest), up to the bulk limit. */
export type RepositoryImportSpecInput = ImportSourceInput;

export class ImageStreamImportSpecInput {
  /** true: import and tag; false: a preview that persists nothing. */
  @IsDefined()
  @IsBoolean()
  import: boolean;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ImportSourceInput)
  repository?: RepositoryImportSpecInput;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_IMAGES)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ImageImportSpecInput)
  images?: ImageImportSpecInput[];
}

export class ImageStreamImportMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @IsImageStreamName()
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  uid?: string;
}

export class ImageStreamImportInput {
  @IsOptional()
  @IsIn(['image.openshift.io/v1', 'v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['ImageStreamImport'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamImportMetaInput)
  metadata: ImageStreamImportMetaInput;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamImportSpecInput)
  spec: ImageStreamImportSpecInput;
}

/**
 * A per-image (or per-repository) outcome, as OpenShift writes it: a Status whose reasons include
 * import-specific ones (`ImportFailed`, `NotV2Registry`) and which may have no code (a partly
 * failed repository import).
 */
export interface ImportStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

export interface ImageImportStatus {
  status: ImportStatus;
  image?: Image;
  tag?: string;
  /** Child images of a manifest list imported with PreserveOriginal. */
  manifests?: Image[];
}

export interface RepositoryImportStatus {
  status: ImportStatus;
  images?: ImageImportStatus[];
  additionalTags?: string[];
}

export interface ImageStreamImport {
  kind: 'ImageStreamImport';
  apiVersion: 'image.openshift.io/v1';
  metadata: { name: string; namespace: string; creationTimestamp: string; resourceVersion?: string; uid?: string };
  spec: ImageStreamImportSpecInput;
  status: { import?: ImageStream; repository?: RepositoryImportStatus; images?: ImageImportStatus[] };
}
