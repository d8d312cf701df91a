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
  type TagChangedV1,
} from '@imagestreams/contracts';
import { addTagEvent, imagePullSpec } from '@imagestreams/domain-image';
import { appendToOutbox, OutboxRelay, type OutboxEntry } from '@imagestreams/platform-messaging';
import { imageStreamCreatedEntry, tagChangedEntry } from './image-events';
import { ImageStreamRepository, toTagEvent } from './image-stream.repository';
import { REGISTRY_HOSTS } from './registry-hosts';
import type { RegistryHosts } from './image-stream.view';

export const ANONYMOUS_ACTOR = 'system:anonymous';

/**
 * ImageStreamMapping: record an image and make it the tag's current image. The tag history row,
 * the stream's new resourceVersion and the `tag.changed` outbox row commit in one transaction,
 * so the event exists exactly when the change does.
 *
 * Unlike OpenShift (404 for a missing stream, after which its registry creates the stream), the
 * stream is created here when missing: one call, one transaction, no window in between.
 */
@Injectable()
export class CreateImageStreamMapping {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly relay: OutboxRelay,
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

    const outbox = await this.streams.transaction(async (manager) => {
      const locked = await this.streams.lockOrCreate(manager, namespace, streamName, randomUUID());
      if (!locked) throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
      const { stream, created } = locked;
      await this.streams.recordImage(manager, {
        name: digest,
        dockerImageReference: reference,
        manifestMediaType: mapping.image.dockerImageManifestMediaType,
        metadata: mapping.image.dockerImageMetadata,
      });

      const entries: OutboxEntry[] = [];
      if (created) entries.push(imageStreamCreatedEntry({ namespace, imageStream: streamName, uid: stream.uid, actor }));

      const currentRow = await this.streams.currentTagEvent(manager, stream.uid, mapping.tag);
      const previous = currentRow ? toTagEvent(currentRow) : undefined;
      const event = { created: new Date().toISOString(), dockerImageReference: reference, image: digest, generation: Number(stream.generation) };
      const change = addTagEvent(previous ? [previous] : [], event);
      if (change.kind === 'prepended') await this.streams.prependTagEvent(manager, stream.uid, mapping.tag, event);
      else if (change.changed && currentRow) await this.streams.replaceTagEvent(manager, currentRow.id, change.history[0]);

      const moved = !previous || previous.image !== event.image || previous.dockerImageReference !== event.dockerImageReference;
      if (change.changed || created) {
        const resourceVersion = await this.streams.bumpResourceVersion(manager, stream.uid);
        if (moved) {
          const data: TagChangedV1 = {
            namespace,
            imageStream: streamName,
            tag: mapping.tag,
            previous: previous ? { image: previous.image, dockerImageReference: previous.dockerImageReference } : null,
            current: { image: event.image, dockerImageReference: event.dockerImageReference },
            generation: event.generation,
            cause: 'push',
            actor,
            resourceVersion,
          };
          entries.push(tagChangedEntry(data));
        }
      }
      await appendToOutbox(manager, entries);
      return entries;
    });

    if (outbox.length) this.relay.kick();
    return successStatus(201);
  }
}
