import { Injectable } from '@nestjs/common';
import {
  ImageStreamResource,
  Statuses,
  StatusError,
  type ImageStream,
  type ImageStreamInput,
  type UpdateImageStreamCommand,
} from '@imagestreams/contracts';
import { assignTagGenerations, nextStreamGeneration, type SpecTag } from '@imagestreams/domain-image';
import type { OutboxEntry } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import { SpecResolver } from '../stream-writes/spec-resolver';
import { specProblems, toStoredSpec, withStoredGenerations, type StoredSpec } from '../stream-writes/stored-spec';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { assertSameNamespace } from './create-image-stream';
import { ImageStreamQueries } from './image-stream-queries';
import { ImageStreamRepository, type ImageStreamRow } from './image-stream.repository';

/**
 * PUT imagestreams/{name} and everything that rewrites a stream's spec (merge patch, ImageStreamTag
 * writes): optimistic concurrency on resourceVersion, OpenShift's generation rules (§4.1), and
 * resolution of the tags the write changed (§4.2). Removing a tag from spec keeps its history (§3).
 */
@Injectable()
export class UpdateImageStream {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    private readonly resolver: SpecResolver,
    private readonly queries: ImageStreamQueries,
  ) {}

  async execute(command: UpdateImageStreamCommand): Promise<ImageStream> {
    const { namespace, name } = command;
    if (command.imageStream.metadata.name !== name) {
      throw new StatusError(Statuses.badRequest(`the name of the object (${command.imageStream.metadata.name}) does not match the name on the URL (${name})`));
    }
    await this.streams.transaction(async (manager) => {
      const stream = await this.streams.lock(manager, namespace, name);
      if (!stream) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
      await this.apply(manager, stream, command.imageStream, command.actor ?? ANONYMOUS_ACTOR);
    });
    this.writer.published(namespace);
    return this.queries.get(namespace, name);
  }

  /** The update itself, for a stream the caller has locked in `manager`'s transaction. */
  async apply(manager: EntityManager, stream: ImageStreamRow, input: ImageStreamInput, actor: string, extraEntries: OutboxEntry[] = [], watchType: 'ADDED' | 'MODIFIED' = 'MODIFIED'): Promise<void> {
    const here = { namespace: stream.namespace, stream: stream.name };
    assertSameNamespace(input.metadata.namespace, stream.namespace);
    if (input.metadata.resourceVersion && input.metadata.resourceVersion !== String(stream.resource_version)) {
      throw new StatusError(Statuses.conflict(ImageStreamResource, stream.name));
    }
    if (input.metadata.uid && input.metadata.uid !== stream.uid) {
      throw new StatusError(Statuses.conflict(ImageStreamResource, stream.name, `Precondition failed: UID in precondition: ${input.metadata.uid}, UID in object meta: ${stream.uid}`));
    }
    const incoming = toStoredSpec(input.spec);
    const problems = specProblems(incoming, here);
    if (problems.length) throw new StatusError(Statuses.invalid(ImageStreamResource, stream.name, problems));

    const old = stream.spec as unknown as StoredSpec;
    const oldTags: SpecTag[] = old.tags ?? [];
    const generation = nextStreamGeneration(Number(stream.generation), old, { ...incoming, tags: withStoredGenerations(oldTags, incoming.tags) });
    const { tags, changed } = assignTagGenerations(oldTags, incoming.tags, generation, stream.namespace);
    const updated = await this.streams.updateStream(manager, stream.uid, {
      generation,
      labels: input.metadata.labels ?? {},
      annotations: input.metadata.annotations ?? {},
      spec: { ...incoming, tags } as unknown as Record<string, unknown>,
    });
    const write = this.writer.begin(manager, updated, actor, stream);
    write.entries.push(...extraEntries);
    // The stream row itself changed (labels, spec, generation): watchers must hear of it.
    write.dirty = true;
    write.watchType = watchType;
    const causes = await this.resolver.resolve(write, changed);
    if (causes.length) throw new StatusError(Statuses.invalid(ImageStreamResource, stream.name, causes));
    await this.writer.finish(write);
  }
}
