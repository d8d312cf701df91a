import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { ImageStream } from '../api/image-stream';
import { ImageStreamInput, ImageStreamTagInput, TagRollbackInput } from '../api/image-stream-input';
import { NamespacedCommand, NamespacedNameRequest } from '../api/resource-requests';
import type { Status } from '../api/status';
import type { ImageStreamTag } from '../api/image-stream-tag';

export class CreateImageStreamCommand extends NamespacedCommand {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamInput)
  imageStream: ImageStreamInput;
}

export class UpdateImageStreamCommand extends NamespacedCommand {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamInput)
  imageStream: ImageStreamInput;
}

/** RFC 7386 JSON merge patch, applied by the owner under the stream's row lock. */
export class PatchImageStreamCommand extends NamespacedCommand {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;

  @IsDefined()
  @IsObject()
  patch: Record<string, unknown>;
}

export class DeleteCommand extends NamespacedCommand {
  @IsDefined()
  @IsString()
  @MaxLength(512)
  name: string;
}

export class PutImageStreamTagCommand extends NamespacedCommand {
  /** `<stream>:<tag>` from the path. */
  @IsDefined()
  @IsString()
  @MaxLength(512)
  name: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamTagInput)
  imageStreamTag: ImageStreamTagInput;
}

export class RollbackImageStreamTagCommand extends NamespacedCommand {
  @IsDefined()
  @IsString()
  @MaxLength(512)
  name: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TagRollbackInput)
  rollback: TagRollbackInput;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  resourceVersion?: string;
}

export const ImageStreamRequests = {
  create: defineRequest<CreateImageStreamCommand, ImageStream>(RequestSubjects.imageStreamCreate, CreateImageStreamCommand),
  update: defineRequest<UpdateImageStreamCommand, ImageStream>(RequestSubjects.imageStreamUpdate, UpdateImageStreamCommand),
  patch: defineRequest<PatchImageStreamCommand, ImageStream>(RequestSubjects.imageStreamPatch, PatchImageStreamCommand),
  delete: defineRequest<DeleteCommand, Status>(RequestSubjects.imageStreamDelete, DeleteCommand),
  deleteNamespace: defineRequest<DeleteCommand, Status>(RequestSubjects.namespaceDelete, DeleteCommand),
  getTag: defineRequest<NamespacedNameRequest, ImageStreamTag>(RequestSubjects.imageStreamTagGet, NamespacedNameRequest),
  putTag: defineRequest<PutImageStreamTagCommand, ImageStreamTag>(RequestSubjects.imageStreamTagPut, PutImageStreamTagCommand),
  deleteTag: defineRequest<DeleteCommand, Status>(RequestSubjects.imageStreamTagDelete, DeleteCommand),
  rollbackTag: defineRequest<RollbackImageStreamTagCommand, ImageStreamTag>(RequestSubjects.imageStreamTagRollback, RollbackImageStreamTagCommand),
};
