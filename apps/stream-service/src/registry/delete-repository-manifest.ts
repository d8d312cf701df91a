import { Injectable } from '@nestjs/common';
import type { DeleteRepositoryManifestCommand, RepositoryManifestDeleted } from '@imagestreams/contracts';
import { isValidDigest } from '@imagestreams/image-reference';
import { DeleteImageStreamTag } from '../image-streams/delete-image-stream-tag';
import { RegistryViewRepository } from './registry-view.repository';

/**
 * A manifest deleted from the registry takes every tag that currently points at it, each the way
 * `DELETE imagestreamtags/<stream>:<tag>` does (spec and history go, `tag.deleted` is published),
 * so `tags/list` no longer names a tag whose manifest is gone. Older history entries that name the
 * image stay: they are the record of what ran.
 */
@Injectable()
export class DeleteRepositoryManifest {
  constructor(
    private readonly view: RegistryViewRepository,
    private readonly deleteTag: DeleteImageStreamTag,
  ) {}

  async execute(command: DeleteRepositoryManifestCommand): Promise<RepositoryManifestDeleted> {
    const { namespace, stream, digest } = command;
    if (!isValidDigest(digest)) return { repositoryExists: true, deletedTags: [] };
    const tags = await this.view.tagsCurrentlyAt(namespace, stream, digest);
    if (!tags) return { repositoryExists: false, deletedTags: [] };
    const deletedTags: string[] = [];
    for (const tag of tags) {
      try {
        await this.deleteTag.execute({ namespace, name: `${stream}:${tag}`, actor: command.actor });
        deletedTags.push(tag);
      } catch (error) {
        // Deleted or moved by someone else in the meantime: it no longer names this manifest.
        if ((error as { status?: { code?: number } }).status?.code !== 404) throw error;
      }
    }
    return { repositoryExists: true, deletedTags };
  }
}
