import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ImageStreamInput,
  ImageStreamTagResource,
  NamespaceResource,
  Statuses,
  StatusError,
  type ImageStreamTag,
  type PutImageStreamTagCommand,
  type TagReferenceInput,
} from '@imagestreams/contracts';
import type { SpecTag } from '@imagestreams/domain-image';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { assertSameNamespace } from './create-image-stream';
import { imageStreamCreatedEntry } from './image-events';
import { parseStreamTagName } from './image-stream-locator';
import { ImageStreamTagQueries } from './image-stream-tag-queries';
import { ImageStreamRepository } from './image-stream.repository';
import { UpdateImageStream } from './update-image-stream';

/**
 * PUT imagestreamtags/{stream}:{tag} — `oc tag` as a resource: sets the stream's spec tag (from,
 * reference, referencePolicy, importPolicy, annotations) and resolves it like any spec write.
 * The stream is created when missing, as `oc tag` does. An alias is a `from` of kind
 * ImageStreamTag in the same stream; it follows its target from then on.
 */
@Injectable()
export class PutImageStreamTag {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly update: UpdateImageStream,
    private readonly writer: StreamWriter,
    private readonly queries: ImageStreamTagQueries,
  ) {}

  async execute(command: PutImageStreamTagCommand): Promise<ImageStreamTag> {
    const { namespace, name, imageStreamTag: input } = command;
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    if (input.metadata.name !== name) throw new StatusError(Statuses.badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`));
    assertSameNamespace(input.metadata.namespace, namespace);
    const { stream: streamName, tag } = parseStreamTagName(name);

    await this.streams.transaction(async (manager) => {
      let stream = await this.streams.lock(manager, namespace, streamName);
      let created = false;
      if (!stream) {
        const inserted = await this.streams.insert(manager, { uid: randomUUID(), namespace, name: streamName, labels: {}, annotations: {}, spec: { lookupPolicy: { local: false }, tags: [] } });
        if (inserted === 'no-namespace') throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
        // A concurrent creator won: take its row (and its lock) like any other writer.
        stream = inserted === 'exists' ? await this.streams.lock(manager, namespace, streamName) : inserted;
        created = inserted !== 'exists';
      }
      if (!stream) throw new StatusError(Statuses.notFound(ImageStreamTagResource, name));
      const specTags = ((stream.spec as { tags?: SpecTag[] }).tags ?? []) as SpecTag[];
      const existing = specTags.find((candidate) => candidate.name === tag);
      if (!input.tag?.from && !existing) {
        throw new StatusError(Statuses.invalid(ImageStreamTagResource, name, [{ reason: 'FieldValueRequired', message: 'a tag must have a source: tag.from', field: 'tag.from' }]));
      }
      const replacement = { ...(existing ?? {}), ...(input.tag ?? {}), name: tag } as TagReferenceInput;
      if (input.metadata.annotations) replacement.annotations = input.metadata.annotations;
      const streamInput: ImageStreamInput = {
        metadata: {
          name: streamName,
          labels: stream.labels,
          annotations: stream.annotations,
          ...(input.metadata.resourceVersion ? { resourceVersion: input.metadata.resourceVersion } : {}),
        },
        spec: { ...(stream.spec as object), tags: [...specTags.filter((candidate) => candidate.name !== tag), replacement] as TagReferenceInput[] },
      };
      await this.update.apply(manager, stream, streamInput, actor, created ? [imageStreamCreatedEntry({ namespace, imageStream: streamName, uid: stream.uid, actor })] : [], created ? 'ADDED' : 'MODIFIED');
    });
    this.writer.published(namespace);
    return this.queries.afterWrite(namespace, name);
  }
}
