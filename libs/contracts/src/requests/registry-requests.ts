import { Type } from 'class-transformer';
import { IsDefined, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import { MappedImageInput } from '../api/image-stream-mapping';
import { IsImageStreamName, IsNamespaceName, IsTagName } from '../api/names';
import { WithActor } from '../api/resource-requests';

/**
 * What the integrated registry asks stream-service. A registry repository is `<namespace>/<stream>`:
 * the image stream is the repository, its tags are the registry's tags. Replies say whether the
 * repository exists instead of failing, because the registry answers NAME_UNKNOWN and
 * MANIFEST_UNKNOWN differently.
 */
export class RepositoryRequest extends WithActor {
  @IsDefined()
  @IsString()
  @IsNamespaceName()
  namespace: string;

  @IsDefined()
  @IsString()
  @IsImageStreamName()
  stream: string;
}

export class ResolveRepositoryTagQuery extends RepositoryRequest {
  @IsDefined()
  @IsString()
  @IsTagName()
  tag: string;
}

export interface RepositoryTagResolution {
  repositoryExists: boolean;
  /** The tag's current image (manifest digest); absent when the tag has no image. */
  image?: string;
}

export interface RepositoryTagListing {
  repositoryExists: boolean;
  /** Tags that point at an image, sorted. */
  tags: string[];
}

export class ListRepositoriesQuery {
  @IsInt()
  @Min(0)
  @Max(10_000)
  limit: number;

  /** Only repositories sorting after this `<namespace>/<stream>`. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}

export interface RepositoryListing {
  repositories: string[];
  /** More repositories follow the last one listed. */
  more: boolean;
}

/** A manifest pushed by digest: the Image is recorded (and the stream created) without moving a tag. */
export class RecordRepositoryImageCommand extends RepositoryRequest {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MappedImageInput)
  image: MappedImageInput;
}

export interface RepositoryImageRecorded {
  /** The stream did not exist and was created (with its namespace when needed). */
  repositoryCreated: boolean;
}

/** A manifest deleted from the registry: every tag whose current image it is goes with it. */
export class DeleteRepositoryManifestCommand extends RepositoryRequest {
  @IsDefined()
  @IsString()
  @MaxLength(200)
  digest: string;
}

export interface RepositoryManifestDeleted {
  repositoryExists: boolean;
  deletedTags: string[];
}

/** Where an image of the repository's image stream came from, when the registry does not hold it. */
export class PullThroughSourceQuery extends RepositoryRequest {
  @IsDefined()
  @IsString()
  @MaxLength(200)
  digest: string;
}

/** An external image to pull through: the pull spec it was imported from, and how to reach its registry. */
export interface PullThroughSource {
  /** `<registry>/<repository>@<digest>`, as the stream's tag history records it. */
  dockerImageReference: string;
  /** The tag that imported it allows plain HTTP or unverified TLS (`importPolicy.insecure`). */
  insecure: boolean;
}

export interface PullThroughSourceAnswer {
  repositoryExists: boolean;
  /** Absent when no tag of the stream imported the image from another registry. */
  source?: PullThroughSource;
}

export const RegistryRequests = {
  resolveTag: defineRequest<ResolveRepositoryTagQuery, RepositoryTagResolution>(RequestSubjects.repositoryTagResolve, ResolveRepositoryTagQuery),
  listTags: defineRequest<RepositoryRequest, RepositoryTagListing>(RequestSubjects.repositoryTagList, RepositoryRequest),
  listRepositories: defineRequest<ListRepositoriesQuery, RepositoryListing>(RequestSubjects.repositoryList, ListRepositoriesQuery),
  recordImage: defineRequest<RecordRepositoryImageCommand, RepositoryImageRecorded>(RequestSubjects.repositoryImageRecord, RecordRepositoryImageCommand),
  deleteManifest: defineRequest<DeleteRepositoryManifestCommand, RepositoryManifestDeleted>(RequestSubjects.repositoryManifestDelete, DeleteRepositoryManifestCommand),
  pullThroughSource: defineRequest<PullThroughSourceQuery, PullThroughSourceAnswer>(RequestSubjects.repositoryPullThroughSource, PullThroughSourceQuery),
};
