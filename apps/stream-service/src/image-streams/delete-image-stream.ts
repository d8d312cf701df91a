import { Injectable } from '@nestjs/common';
import { ImageStreamResource, Statuses, StatusError, successStatus, type DeleteCommand, type Status } from '@imagestreams/contracts';
import { appendToOutbox } from '@imagestreams/platform-messaging';
import { StreamWriter } from '../stream-writes/stream-writer';
import { WatchLogRepository } from '../watch/watch-log.repository';
import { ANONYMOUS_ACTOR } from './actor';
import { imageStreamDeletedEntry } from './image-events';
import { ImageStreamRepository } from './image-stream.repository';

/** DELETE imagestreams/{name}: the stream, its spec and its history go; `imagestream.deleted` is published. */
@Injectable()
export class DeleteImageStream {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    private readonly watchLog: WatchLogRepository,
  ) {}

  async execute(command: DeleteCommand): Promise<Status> {
    const { namespace, name } = command;
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    const uid = await this.streams.transaction(async (manager) => {
      const stream = await this.streams.lock(manager, namespace, name);
      if (!stream) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
      const deletedAt = await this.streams.deleteStream(manager, stream.uid);
      const resourceVersion = await this.streams.nextResourceVersion(manager);
      await this.watchLog.append(manager, { resourceVersion, namespace, name, uid: stream.uid, type: 'DELETED', labels: stream.labels });
      await appendToOutbox(manager, [imageStreamDeletedEntry({ namespace, imageStream: name, uid: stream.uid, actor, resourceVersion }, deletedAt)]);
      return stream.uid;
    });
    this.writer.published(namespace);
    return successStatus(200, { name, group: ImageStreamResource.group, kind: ImageStreamResource.resource, uid });
  }
}
