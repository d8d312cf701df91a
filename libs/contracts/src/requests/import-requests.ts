import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { ImageStream } from '../api/image-stream';
import { TagPoliciesInput } from '../api/image-stream-input';
import { ImageStreamImportInput, MAX_IMPORT_IMAGES, type ImageStreamImport } from '../api/image-stream-import';
import { MappedImageInput } from '../api/image-stream-mapping';
import { IsImageStreamName, IsTagName } from '../api/names';
import { NamespacedCommand, NamespacedNameRequest, NamespaceScopeRequest } from '../api/resource-requests';
import { SecretInput, type Secret, type SecretList } from '../api/secret';
import type { Status } from '../api/status';

/** `POST imagestreamimports` as the gateway forwards it to the importer. */
export class CreateImageStreamImportCommand extends NamespacedCommand {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamImportInput)
  import: ImageStreamImportInput;
}

export class CreateSecretCommand extends NamespacedCommand {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SecretInput)
  secret: SecretInput;
}

/** A registry's push notification, as received on `/apis/imagestreams.io/v1/registrynotifications/{endpoint}/{secret}`. */
export class ReceiveRegistryNotificationCommand {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  endpoint: string;

  @IsDefined()
  @IsString()
  @MaxLength(512)
  secret: string;

  @IsDefined()
  body: unknown;
}

export interface RegistryNotificationReceived {
  /** Scheduled tags whose next check was moved to now. */
  tagsScheduled: number;
}

/** The outcome for one tag of an import, as the importer hands it to stream-service. */
export class ImportedImageResultInput extends TagPoliciesInput {
  @IsDefined()
  @IsString()
  @IsTagName()
  tag: string;

  /** The source pull spec the tag imports from. */
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  from: string;

  /** Success: the image the tag now points at (its dockerImageReference is `<source repo>@<digest>`). */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => MappedImageInput)
  image?: MappedImageInput;

  /** PreserveOriginal: the child images of the imported manifest list, recorded too. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(256)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MappedImageInput)
  manifests?: MappedImageInput[];

  /** Failure: the per-image Status's reason and message, which become the ImportSuccess=False condition. */
  @IsOptional()
  @IsObject()
  failure?: { reason: string; message: string };
}

export class ApplyImageImportCommand extends NamespacedCommand {
  @IsDefined()
  @IsString()
  @IsImageStreamName()
  stream: string;

  /** When given, the stream must exist with exactly this resourceVersion (409 otherwise). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  resourceVersion?: string;

  /** When given, the stream must exist with this uid (404 otherwise). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  uid?: string;

  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_IMAGES)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ImportedImageResultInput)
  images: ImportedImageResultInput[];

  /** Images looked at without a tag to set (`to` omitted): recorded as Images only. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMPORT_IMAGES)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => MappedImageInput)
  untagged?: MappedImageInput[];

  /** Who asked: a user's ImageStreamImport, the spec-tag import controller, or the scheduler. */
  @IsOptional()
  @IsIn(['user', 'spec', 'scheduled'])
  origin?: 'user' | 'spec' | 'scheduled';

  @IsOptional()
  @IsBoolean()
  createNamespace?: boolean;
}

/** The login a namespace's pull secrets hold for one registry host (`host[:port]`, Docker Hub as `docker.io`). */
export class RegistryLoginQuery {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  namespace: string;

  @IsDefined()
  @IsString()
  @MaxLength(255)
  registry: string;
}

export interface RegistryLoginAnswer {
  /** Absent when no secret of the namespace names the registry: the registry is then asked anonymously. */
  login?: { username: string; password: string };
}

export const ImportRequests = {
  createImageStreamImport: defineRequest<CreateImageStreamImportCommand, ImageStreamImport>(RequestSubjects.imageStreamImportCreate, CreateImageStreamImportCommand),
  createSecret: defineRequest<CreateSecretCommand, Secret>(RequestSubjects.secretCreate, CreateSecretCommand),
  getSecret: defineRequest<NamespacedNameRequest, Secret>(RequestSubjects.secretGet, NamespacedNameRequest),
  /** All registry secrets of a namespace (what `imagestreams/{name}/secrets` shows). */
  listSecrets: defineRequest<NamespaceScopeRequest, SecretList>(RequestSubjects.secretList, NamespaceScopeRequest),
  deleteSecret: defineRequest<NamespacedNameRequest, Status>(RequestSubjects.secretDelete, NamespacedNameRequest),
  receiveRegistryNotification: defineRequest<ReceiveRegistryNotificationCommand, RegistryNotificationReceived>(
    RequestSubjects.registryNotificationReceive,
    ReceiveRegistryNotificationCommand,
  ),
  /** For the registry's pull-through: credentials stay sealed in the importer except for this one answer on the internal bus. */
  getRegistryLogin: defineRequest<RegistryLoginQuery, RegistryLoginAnswer>(RequestSubjects.registryLoginGet, RegistryLoginQuery),
};

/** Owned by stream-service: the only writer of tags applies import results. */
export const ImageImportRequests = {
  apply: defineRequest<ApplyImageImportCommand, ImageStream>(RequestSubjects.imageImportApply, ApplyImageImportCommand),
};
