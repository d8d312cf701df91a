import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ImageStreamMappingResource,
  NamespaceResource,
  repositoryNameProblems,
  Statuses,
  StatusError,
  successStatus,
  type CreateImageStreamMappingCommand,
  type Status,
} from '@imagestreams/contracts';
import { imagePullSpec } from '@imagestreams/domain-image';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { imageStreamCreatedEntry } from './image-events';
import { ImageStreamRepository } from './image-stream.repository';
import { REGISTRY_HOSTS } from './registry-hosts';
import type { RegistryHosts } from './image-stream.view';

/**
 * ImageStreamMapping: record an image and make it the tag's current image (and of the tags that
 * track it). The tag history rows, the stream's new resourceVersion and the `tag.changed` outbox
 * rows commit in one transaction, so the events exist exactly when the change does.
 *
 * Unlike OpenShift (404 for a missing stream, after which its registry creates the stream), the
 * stream is created here when missing: one call, one transaction, no window in between.
 */
@Injectable()
export class CreateImageStreamMapping {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    @Inject(REGISTRY_HOSTS) private readonly hosts: RegistryHosts,
  ) {}

  async execute(command: CreateImageStreamMappingCommand): Promise<Status> {
    const { namespace, mapping } = command;
    const streamName = mapping.metadata.name;
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    const tooLong = repositoryNameProblems(namespace, streamName);
    if (tooLong.length) {
      throw new StatusError(Statuses.invalid(ImageStreamMappingResource, streamName, tooLong.map((message) => ({ reason: 'FieldValueTooLong', message, field: 'metadata.name' }))));
    }
    const digest = mapping.image.metadata.name;
    const reference = mapping.image.dockerImageReference ?? imagePullSpec(this.hosts.internal, namespace, streamName, digest);

    await this.streams.transaction(async (manager) => {
      if (command.createNamespace) await this.streams.ensureNamespace(manager, namespace, randomUUID());
      const locked = await this.streams.lockOrCreate(manager, namespace, streamName, randomUUID());
      if (!locked) throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
      const { stream, created } = locked;
      const current = await this.streams.recordImage(
        manager,
        {
          name: digest,
          dockerImageReference: reference,
          manifestMediaType: mapping.image.dockerImageManifestMediaType,
          metadata: mapping.image.dockerImageMetadata,
          layers: mapping.image.dockerImageLayers,
          manifests: mapping.image.dockerImageManifests,
        },
        { streamUid: stream.uid, tag: mapping.tag },
      );

      const write = this.writer.begin(manager, stream, actor);
      this.writer.knowCurrent(write, mapping.tag, current);
      if (created) {
        write.entries.push(imageStreamCreatedEntry({ namespace, imageStream: streamName, uid: stream.uid, actor }));
        write.dirty = true;
        write.watchType = 'ADDED';
      }
      const event = { created: new Date().toISOString(), dockerImageReference: reference, image: digest, generation: Number(stream.generation) };
      await this.writer.record(write, mapping.tag, event, 'push');
      await this.writer.finish(write);
    });

    this.writer.published(namespace);
    return successStatus(201);
  }
}
