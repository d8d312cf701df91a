import { Injectable } from '@nestjs/common';
import { RegistryRequests } from '@imagestreams/contracts';
import { pageAfter, referrersIndex, RegistryError, type ReferrersIndex } from '@imagestreams/domain-registry';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { requireDigest } from './blobs';
import { RegistryRecordsRepository } from './registry-records.repository';
import type { RepositoryName } from './repository-name';

export interface Page<T> {
  body: T;
  /** Where the next page starts (`last`), when there is one. */
  next?: string;
}

/** Page size when the client does not ask for one (`n`): distribution's is 100, ours is larger because tags are cheap. */
export const DEFAULT_PAGE_SIZE = 1000;

/** Tag lists, the catalog and the referrers API. */
@Injectable()
export class Discovery {
  constructor(
    private readonly owners: OwnerClient,
    private readonly records: RegistryRecordsRepository,
  ) {}

  async tags(repository: RepositoryName, page: { n?: number; last?: string }): Promise<Page<{ name: string; tags: string[] }>> {
    const listing = await this.owners.request(RegistryRequests.listTags, { namespace: repository.namespace, stream: repository.stream });
    if (!listing.repositoryExists) throw RegistryError.nameUnknown(repository.full);
    const { items, next } = pageAfter(listing.tags, page.n, page.last);
    return { body: { name: repository.full, tags: items }, next };
  }

  async catalog(page: { n?: number; last?: string }): Promise<Page<{ repositories: string[] }>> {
    const limit = page.n ?? DEFAULT_PAGE_SIZE;
    const listing = await this.owners.request(RegistryRequests.listRepositories, { limit, ...(page.last ? { after: page.last } : {}) });
    const repositories = listing.repositories;
    return { body: { repositories }, next: listing.more && repositories.length > 0 ? repositories[repositories.length - 1] : undefined };
  }

  /** Manifests of this repository whose subject is the digest; an unknown subject has no referrers (200, empty). */
  async referrers(repository: RepositoryName, digest: string, artifactType: string | undefined): Promise<ReferrersIndex> {
    const referrers = await this.records.referrers(repository.full, requireDigest(digest));
    return referrersIndex(
      referrers.map((manifest) => ({
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size,
        ...(manifest.artifactType ? { artifactType: manifest.artifactType } : {}),
        ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
      })),
      artifactType,
    );
  }
}
