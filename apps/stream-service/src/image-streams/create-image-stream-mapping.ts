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
import { imagePullSpec, type TagEvent } from '@imagestreams/domain-image';
import { OneAtATime } from '@imagestreams/platform-persistence';
import { StreamChangedMeanwhile, StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { imageStreamCreatedEntry } from './image-events';
import { ImageStreamRepository, type ImageRecord, type ImageStreamRow } from './image-stream.repository';
import { PushBaselines, type PushBaseline } from './push-baselines';
import { REGISTRY_HOSTS } from './registry-hosts';
import type { RegistryHosts } from './image-stream.view';

/**
 * ImageStreamMapping: record an image and make it the tag's current image (and of the tags that
 * track it). The tag history rows, the stream's new resourceVersion and the `tag.changed` outbox
 * rows commit in one transaction, so the events exist exactly when the change does.
 *
 * Unlike OpenShift (404 for a missing stream, after which its registry creates the stream), the
 * stream is created here when missing: one call, one transaction, no window in between.
 *
 * This is the push path, so it is written for speed: when the stream exists, the tag is moved
 * optimistically with one conditional statement that writes everything if nobody changed the
 * stream since it was read, and no row lock is held. The read is skipped when this process's last
 * push to the stream left it behind (PushBaselines). Only if someone changed the stream (or it is
 * new) does the push take the locking path. Pushes to one stream in this process take turns, so
 * only another replica's write, or another kind of write, can make the optimistic one fail.
 */
@Injectable()
export class CreateImageStreamMapping {
  /** Pushes to one stream queue here rather than conflict with each other (other replicas' still may). */
  private readonly perStream = new OneAtATime();
  private readonly baselines = new PushBaselines();

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
    const image: ImageRecord = {
      name: digest,
      dockerImageReference: mapping.image.dockerImageReference ?? imagePullSpec(this.hosts.internal, namespace, streamName, digest),
      manifestMediaType: mapping.image.dockerImageManifestMediaType,
      metadata: mapping.image.dockerImageMetadata,
      layers: mapping.image.dockerImageLayers,
      manifests: mapping.image.dockerImageManifests,
    };
    await this.perStream.run(`${namespace}/${streamName}`, async () => {
      const outcome = await this.moveOptimistically(namespace, streamName, mapping.tag, image, actor);
      if (outcome !== 'moved') await this.moveLocked(command, image, actor, outcome === 'no-stream');
    });
    this.writer.published(namespace);
    return successStatus(201);
  }

  /** Nothing was written unless 'moved': the stream does not exist yet, or it changed under the write. */
  private async moveOptimistically(namespace: string, streamName: string, tag: string, image: ImageRecord, actor: string): Promise<'moved' | 'no-stream' | 'conflict'> {
    const remembered = this.baselines.recall(namespace, streamName, tag);
    if (remembered) {
      if ((await this.moveFrom(remembered, tag, image, actor, { fresh: false })) === 'moved') return 'moved';
      // Another write got there first, or memory says there is nothing to do: ask the database.
      this.baselines.forget(namespace, streamName);
    }
    const read = await this.streams.readWithCurrentTag(namespace, streamName, tag);
    if (!read) return 'no-stream';
    // ('unsure' is only ever an answer about memory.)
    return (await this.moveFrom(read, tag, image, actor, { fresh: true })) === 'moved' ? 'moved' : 'conflict';
  }

  /** One conditional statement that lands only if the stream is still as `baseline` shows it. */
  private async moveFrom(baseline: PushBaseline, tag: string, image: ImageRecord, actor: string, { fresh }: { fresh: boolean }): Promise<'moved' | 'conflict' | 'unsure'> {
    const write = this.writer.begin(this.streams.manager(), baseline.stream, actor);
    write.expectedResourceVersion = String(baseline.stream.resource_version);
    write.image = image;
    this.writer.knowCurrent(write, tag, baseline.current);
    await this.writer.record(write, tag, this.tagEvent(image, baseline.stream), 'push');
    // A write that changes nothing checks nothing, so "nothing to do" must come from a fresh read.
    if (!write.dirty && !fresh) return 'unsure';
    try {
      const resourceVersion = await this.writer.finish(write);
      if (write.dirty) this.baselines.remember(write, resourceVersion);
      return 'moved';
    } catch (error) {
      if (error instanceof StreamChangedMeanwhile) return 'conflict';
      throw error;
    }
  }

  private async moveLocked(command: CreateImageStreamMappingCommand, image: ImageRecord, actor: string, likelyNew: boolean): Promise<void> {
    const { namespace, mapping } = command;
    const streamName = mapping.metadata.name;
    await this.streams.transaction(async (manager) => {
      const locked = await this.streams.lockOrCreate(manager, namespace, streamName, randomUUID(), { likelyNew, createNamespace: command.createNamespace === true });
      if (!locked) throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
      const { stream, created } = locked;
      const current = await this.streams.recordImage(manager, image, { streamUid: stream.uid, tag: mapping.tag });

      const write = this.writer.begin(manager, stream, actor);
      this.writer.knowCurrent(write, mapping.tag, current);
      if (created) {
        write.entries.push(imageStreamCreatedEntry({ namespace, imageStream: streamName, uid: stream.uid, actor }));
        write.dirty = true;
        write.watchType = 'ADDED';
      }
      await this.writer.record(write, mapping.tag, this.tagEvent(image, stream), 'push');
      await this.writer.finish(write);
    });
  }

  private tagEvent(image: ImageRecord, stream: ImageStreamRow): TagEvent {
    return { created: new Date().toISOString(), dockerImageReference: image.dockerImageReference, image: image.name, generation: Number(stream.generation) };
  }
}
