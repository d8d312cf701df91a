import { Injectable } from '@nestjs/common';
import { NamespaceResource, Statuses, StatusError, successStatus, type DeleteCommand, type Status } from '@imagestreams/contracts';
import { appendToOutbox } from '@imagestreams/platform-messaging';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import { StreamWriter } from '../stream-writes/stream-writer';
import { WatchLogRepository } from '../watch/watch-log.repository';
import { ANONYMOUS_ACTOR } from './actor';
import { imageStreamDeletedEntry, namespaceDeletedEntry } from './image-events';
import { ImageStreamRepository } from './image-stream.repository';

/**
 * DELETE /api/v1/namespaces/{name}: its streams go with it, each announced by `imagestream.deleted`,
 * and `namespace.deleted` tells the other services to delete what they keep in it.
 */
@Injectable()
export class DeleteNamespace {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    private readonly namespaces: NamespaceRepository,
    private readonly watchLog: WatchLogRepository,
  ) {}

  async execute(command: DeleteCommand): Promise<Status> {
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    await this.streams.transaction(async (manager) => {
      // First, so that a stream created meanwhile is among those announced rather than deleted
      // silently by the cascade.
      if (!(await this.namespaces.lockAgainstNewStreams(manager, command.name))) throw new StatusError(Statuses.notFound(NamespaceResource, command.name));
      const streams = await this.streams.streamsIn(manager, command.name);
      const deletedAt = await this.namespaces.delete(manager, command.name);
      if (deletedAt === undefined) throw new StatusError(Statuses.notFound(NamespaceResource, command.name));
      const streamDeletions: string[] = [];
      for (const stream of streams) {
        const streamDeletion = await this.streams.nextResourceVersion(manager);
        streamDeletions.push(streamDeletion);
        await this.watchLog.append(manager, {
          resourceVersion: streamDeletion,
          namespace: stream.namespace,
          name: stream.name,
          uid: stream.uid,
          type: 'DELETED',
          labels: stream.labels,
        });
      }
      // Published after the streams' events (outbox order); consumers must not rely on it, they run concurrently.
      const resourceVersion = await this.streams.nextResourceVersion(manager);
      await appendToOutbox(manager, [
        ...streams.map((stream, index) => imageStreamDeletedEntry({ namespace: stream.namespace, imageStream: stream.name, uid: stream.uid, actor, resourceVersion: streamDeletions[index] }, deletedAt)),
        namespaceDeletedEntry({ namespace: command.name, actor, resourceVersion }, deletedAt),
      ]);
    });
    this.writer.published(command.name);
    return successStatus(200, { name: command.name, group: '', kind: NamespaceResource.resource });
  }
}
