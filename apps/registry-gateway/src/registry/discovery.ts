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

/** Repositories read per owner request while filtering the catalog: bounded below so sparse visibility needs few round trips, above by the owner's limit. */
const CATALOG_MIN_BATCH = 500;
const CATALOG_MAX_BATCH = 10_000;

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

  /**
   * A page of `<namespace>/<stream>` names; with `visible`, only those it accepts (what the caller
   * may pull). A filtered page reads on until it is full, and its `next` is always a name the
   * caller may see, so the Link header never names a hidden repository.
   */
  async catalog(page: { n?: number; last?: string }, visible?: (repository: string) => Promise<boolean>): Promise<Page<{ repositories: string[] }>> {
    if (visible) return this.filteredCatalog(page, visible);
    const limit = page.n ?? DEFAULT_PAGE_SIZE;
    const listing = await this.owners.request(RegistryRequests.listRepositories, { limit, ...(page.last ? { after: page.last } : {}) });
    const repositories = listing.repositories;
    return { body: { repositories }, next: listing.more && repositories.length > 0 ? repositories[repositories.length - 1] : undefined };
  }

  private async filteredCatalog(page: { n?: number; last?: string }, visible: (repository: string) => Promise<boolean>): Promise<Page<{ repositories: string[] }>> {
    const limit = page.n ?? DEFAULT_PAGE_SIZE;
    const repositories: string[] = [];
    if (limit === 0) return { body: { repositories } };
    // Hidden repositories are skipped, so read more than a page at a time.
    const batch = Math.min(CATALOG_MAX_BATCH, Math.max(limit + 1, CATALOG_MIN_BATCH));
    let after = page.last;
    for (;;) {
      const listing = await this.owners.request(RegistryRequests.listRepositories, { limit: batch, ...(after !== undefined ? { after } : {}) });
      for (const repository of listing.repositories) {
        if (!(await visible(repository))) continue;
        // One more visible repository than the page holds: there is a next page.
        if (repositories.length === limit) return { body: { repositories }, next: repositories[limit - 1] };
        repositories.push(repository);
      }
      if (!listing.more || listing.repositories.length === 0) return { body: { repositories } };
      after = listing.repositories[listing.repositories.length - 1];
    }
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
