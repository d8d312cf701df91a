import { Injectable } from '@nestjs/common';
import { ImageStreamTagResource, Statuses, StatusError, type ImageStreamTag, type RollbackImageStreamTagCommand } from '@imagestreams/contracts';
import { findImageByPrefix } from '@imagestreams/domain-image';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { parseStreamTagName, tagNotFound } from './image-stream-locator';
import { ImageStreamTagQueries } from './image-stream-tag-queries';
import { ImageStreamRepository, toTagEvent } from './image-stream.repository';

/**
 * POST imagestreamtags/{stream}:{tag}/rollback — our one-call rollback (OpenShift needs
 * `oc tag <stream>@<digest> <stream>:<tag>`): the chosen history entry becomes the current image
 * again as a NEW entry on top (§3: history is never rewritten), with cause `rollback` and the
 * caller's reason in the event. Choose by image (digest or ≥ 7-hex prefix) or by moves back.
 */
@Injectable()
export class RollbackImageStreamTag {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    private readonly queries: ImageStreamTagQueries,
  ) {}

  async execute(command: RollbackImageStreamTagCommand): Promise<ImageStreamTag> {
    const { namespace, name, rollback } = command;
    const { stream: streamName, tag } = parseStreamTagName(name);
    if ((rollback.image === undefined) === (rollback.revisionsBack === undefined)) {
      throw new StatusError(Statuses.badRequest('a rollback names exactly one of image or revisionsBack'));
    }
    await this.streams.transaction(async (manager) => {
      const stream = await this.streams.lock(manager, namespace, streamName);
      if (!stream) throw tagNotFound(streamName);
      if (command.resourceVersion && command.resourceVersion !== String(stream.resource_version)) {
        throw new StatusError(Statuses.conflict(ImageStreamTagResource, name));
      }
      const history = (await this.streams.tagHistory(manager, stream.uid, tag)).map(toTagEvent);
      if (history.length === 0) throw tagNotFound(name);
      let target = rollback.revisionsBack !== undefined ? history[rollback.revisionsBack] : undefined;
      if (rollback.image !== undefined) {
        const match = findImageByPrefix(history.map((event) => event.image).filter((image) => image !== ''), rollback.image);
        if ('error' in match) {
          if (match.error === 'ambiguous') throw new StatusError(Statuses.conflict(ImageStreamTagResource, name, `multiple images in the history match "${rollback.image}": ${match.matches.join(', ')}`));
          if (match.error === 'too-short') throw new StatusError(Statuses.badRequest(`image "${rollback.image}" must be a digest or at least 7 hex characters`));
          throw new StatusError(Statuses.notFound(ImageStreamTagResource, `${name}@${rollback.image}`));
        }
        target = history.find((event) => event.image === match.image);
      }
      if (!target) throw new StatusError(Statuses.badRequest(`${name} has only ${history.length} history entries`));
      const write = this.writer.begin(manager, stream, command.actor ?? ANONYMOUS_ACTOR);
      await this.writer.record(
        write,
        tag,
        { created: new Date().toISOString(), dockerImageReference: target.dockerImageReference, image: target.image, generation: Number(stream.generation) },
        'rollback',
        rollback.reason,
      );
      await this.writer.finish(write);
    });
    this.writer.published(namespace);
    return this.queries.get(namespace, name);
  }
}
