import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { ImageStream, ImageStreamList } from '../api/image-stream';
import { CreateImageStreamMappingRequest } from '../api/image-stream-mapping';
import { CreateNamespaceRequest, type Namespace } from '../api/namespace';
import type { List } from '../api/object-meta';
import { ListRequest, NamespacedCommand, NamespacedNameRequest, NamespaceScopeRequest, WithActor } from '../api/resource-requests';
import type { Status } from '../api/status';

export class CreateNamespaceCommand extends WithActor {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateNamespaceRequest)
  namespace: CreateNamespaceRequest;
}

export class GetNamespaceQuery {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;
}

export class CreateImageStreamMappingCommand extends NamespacedCommand {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateImageStreamMappingRequest)
  mapping: CreateImageStreamMappingRequest;

  /**
   * Set by the registry only: a push into a namespace that does not exist creates it, as
   * OpenShift's registry does for a user allowed to push. The REST API never sets it (404 there).
   */
  @IsOptional()
  @IsBoolean()
  createNamespace?: boolean;
}

export class GetImageStreamQuery extends NamespacedNameRequest {
  /**
   * The resourceVersion of a copy the caller already holds (the gateway keeps big streams): when the
   * stream is still at it, the answer is `null` instead of the whole stream again.
   */
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,20}$/)
  unlessResourceVersion?: string;
}

export const ImageRequests = {
  createNamespace: defineRequest<CreateNamespaceCommand, Namespace>(RequestSubjects.namespaceCreate, CreateNamespaceCommand),
  getNamespace: defineRequest<GetNamespaceQuery, Namespace>(RequestSubjects.namespaceGet, GetNamespaceQuery),
  listNamespaces: defineRequest<NamespaceScopeRequest, List<Namespace>>(RequestSubjects.namespaceList, NamespaceScopeRequest),
  createImageStreamMapping: defineRequest<CreateImageStreamMappingCommand, Status>(
    RequestSubjects.imageStreamMappingCreate,
    CreateImageStreamMappingCommand,
  ),
  getImageStream: defineRequest<GetImageStreamQuery, ImageStream>(RequestSubjects.imageStreamGet, GetImageStreamQuery),
  listImageStreams: defineRequest<ListRequest, ImageStreamList>(RequestSubjects.imageStreamList, ListRequest),
};
