import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  DeleteRepositoryManifestCommand,
  ListRepositoriesQuery,
  PullThroughSourceQuery,
  RecordRepositoryImageCommand,
  RegistryRequests,
  RepositoryRequest,
  ResolveRepositoryTagQuery,
  type PullThroughSourceAnswer,
  type RepositoryImageRecorded,
  type RepositoryListing,
  type RepositoryManifestDeleted,
  type RepositoryTagListing,
  type RepositoryTagResolution,
} from '@imagestreams/contracts';
import { pullThroughOrigin } from '@imagestreams/domain-image';
import { OnRequest } from '@imagestreams/platform-messaging';
import type { RegistryHosts } from '../image-streams/image-stream.view';
import { REGISTRY_HOSTS } from '../image-streams/registry-hosts';
import { DeleteRepositoryManifest } from './delete-repository-manifest';
import { RecordRepositoryImage } from './record-repository-image';
import { RegistryViewRepository } from './registry-view.repository';

@Controller()
export class RegistryRequestsHandler {
  constructor(
    private readonly view: RegistryViewRepository,
    private readonly recordImage: RecordRepositoryImage,
    private readonly deleteManifest: DeleteRepositoryManifest,
    @Inject(REGISTRY_HOSTS) private readonly hosts: RegistryHosts,
  ) {}

  @OnRequest(RegistryRequests.resolveTag)
  async resolveTag(@Payload() query: ResolveRepositoryTagQuery): Promise<RepositoryTagResolution> {
    const found = await this.view.tagImage(query.namespace, query.stream, query.tag);
    if (!found) return { repositoryExists: false };
    return found.image ? { repositoryExists: true, image: found.image } : { repositoryExists: true };
  }

  @OnRequest(RegistryRequests.listTags)
  async listTags(@Payload() query: RepositoryRequest): Promise<RepositoryTagListing> {
    const tags = await this.view.tags(query.namespace, query.stream);
    return tags ? { repositoryExists: true, tags } : { repositoryExists: false, tags: [] };
  }

  @OnRequest(RegistryRequests.listRepositories)
  async listRepositories(@Payload() query: ListRepositoriesQuery): Promise<RepositoryListing> {
    const rows = await this.view.repositories(query.after, query.limit);
    return { repositories: rows.slice(0, query.limit), more: rows.length > query.limit };
  }

  @OnRequest(RegistryRequests.recordImage)
  record(@Payload() command: RecordRepositoryImageCommand): Promise<RepositoryImageRecorded> {
    return this.recordImage.execute(command);
  }

  @OnRequest(RegistryRequests.deleteManifest)
  delete(@Payload() command: DeleteRepositoryManifestCommand): Promise<RepositoryManifestDeleted> {
    return this.deleteManifest.execute(command);
  }

  @OnRequest(RegistryRequests.pullThroughSource)
  async pullThroughSource(@Payload() query: PullThroughSourceQuery): Promise<PullThroughSourceAnswer> {
    const history = await this.view.imageHistory(query.namespace, query.stream, query.digest);
    if (!history) return { repositoryExists: false };
    const source = pullThroughOrigin(query.digest, history.entries, [this.hosts.internal, this.hosts.public ?? ''], history.specTags);
    return source ? { repositoryExists: true, source } : { repositoryExists: true };
  }
}
