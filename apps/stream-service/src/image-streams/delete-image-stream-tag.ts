import { Injectable } from '@nestjs/common';
import { ImageStreamTagResource, successStatus, type DeleteCommand, type Status } from '@imagestreams/contracts';
import { nextStreamGeneration, type SpecTag } from '@imagestreams/domain-image';
import { appendToOutbox } from '@imagestreams/platform-messaging';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { tagDeletedEntry } from './image-events';
import { parseStreamTagName, tagNotFound } from './image-stream-locator';
import { ImageStreamRepository } from './image-stream.repository';

/**
 * DELETE imagestreamtags/{stream}:{tag}: removes the spec tag and the tag's whole history (unlike
 * dropping a tag from the stream's spec, which keeps history, §3) and publishes `tag.deleted`.
 * Tags that tracked it keep what they resolved to.
 */
@Injectable()
export class DeleteImageStreamTag {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
  ) {}

  async execute(command: DeleteCommand): Promise<Status> {
    const { namespace, name } = command;
    const { stream: streamName, tag } = parseStreamTagName(name);
    await this.streams.transaction(async (manager) => {
      const stream = await this.streams.lock(manager, namespace, streamName);
      if (!stream) throw tagNotFound(streamName);
      const specTags = ((stream.spec as { tags?: SpecTag[] }).tags ?? []) as SpecTag[];
      const write = this.writer.begin(manager, stream, command.actor ?? ANONYMOUS_ACTOR);
      const current = await this.writer.currentOf(write, tag);
      const inSpec = specTags.some((candidate) => candidate.name === tag);
      if (!current && !inSpec) throw tagNotFound(name);
      if (inSpec) {
        const spec = { ...(stream.spec as object), tags: specTags.filter((candidate) => candidate.name !== tag) };
        write.stream = await this.streams.updateStream(manager, stream.uid, {
          generation: nextStreamGeneration(Number(stream.generation), stream.spec, spec),
          labels: stream.labels,
          annotations: stream.annotations,
          spec,
        });
      }
      await this.streams.deleteTagHistory(manager, stream.uid, tag);
      if (stream.tag_conditions?.[tag]) {
        const { [tag]: _removed, ...remaining } = stream.tag_conditions;
        await this.streams.setTagConditions(manager, stream.uid, remaining);
      }
      write.dirty = true;
      const resourceVersion = await this.writer.finish(write);
      const previous = current?.event;
      await appendToOutbox(manager, [
        tagDeletedEntry({
          namespace,
          imageStream: streamName,
          tag,
          previous: previous ? { image: previous.image, dockerImageReference: previous.dockerImageReference } : null,
          actor: write.actor,
          resourceVersion,
        }),
      ]);
    });
    this.writer.published(namespace);
    return successStatus(200, { name, group: ImageStreamTagResource.group, kind: ImageStreamTagResource.resource });
  }
}
