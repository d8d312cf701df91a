import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { RecordRepositoryImageCommand, RepositoryImageRecorded } from '@imagestreams/contracts';
import { imagePullSpec } from '@imagestreams/domain-image';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from '../image-streams/actor';
import { imageStreamCreatedEntry } from '../image-streams/image-events';
import { ImageStreamRepository } from '../image-streams/image-stream.repository';
import { REGISTRY_HOSTS } from '../image-streams/registry-hosts';
import type { RegistryHosts } from '../image-streams/image-stream.view';

/**
 * A manifest pushed by digest: the Image is recorded and no tag moves. The repository (stream, and
 * its namespace) is created like on a push by tag, so the registry can list and pull it.
 */
@Injectable()
export class RecordRepositoryImage {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    @Inject(REGISTRY_HOSTS) private readonly hosts: RegistryHosts,
  ) {}

  async execute(command: RecordRepositoryImageCommand): Promise<RepositoryImageRecorded> {
    const { namespace, stream: streamName, image } = command;
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    const digest = image.metadata.name;
    let repositoryCreated = false;
    await this.streams.transaction(async (manager) => {
      const locked = await this.streams.lockOrCreate(manager, namespace, streamName, randomUUID(), { createNamespace: true });
      // The namespace is created with the stream when missing, so it exists.
      if (!locked) throw new Error(`namespace ${namespace} vanished inside its own transaction`);
      await this.streams.insertImage(manager, {
        name: digest,
        dockerImageReference: image.dockerImageReference ?? imagePullSpec(this.hosts.internal, namespace, streamName, digest),
        manifestMediaType: image.dockerImageManifestMediaType,
        metadata: image.dockerImageMetadata,
        layers: image.dockerImageLayers,
        manifests: image.dockerImageManifests,
      });
      if (!locked.created) return;
      repositoryCreated = true;
      const write = this.writer.begin(manager, locked.stream, actor);
      write.entries.push(imageStreamCreatedEntry({ namespace, imageStream: streamName, uid: locked.stream.uid, actor }));
      write.dirty = true;
      write.watchType = 'ADDED';
      await this.writer.finish(write);
    });
    if (repositoryCreated) this.writer.published(namespace);
    return { repositoryCreated };
  }
}
