import { Inject, Injectable } from '@nestjs/common';
import {
  IMAGE_API_VERSION,
  Statuses,
  StatusError,
  type ImageStream,
  type ImageStreamChanges,
  type ImageStreamChangesQuery,
  type WatchEvent,
} from '@imagestreams/contracts';
import { matchesLabels, parseLabelSelector } from '@imagestreams/domain-labels';
import { groupRows } from '@imagestreams/platform-persistence';
import { ImageStreamRepository } from '../image-streams/image-stream.repository';
import { imageStreamView } from '../image-streams/image-stream.view';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { WatchLogRepository, type WatchLogRow } from './watch-log.repository';

/**
 * What a watcher resuming after `since` must hear: each changed stream once, at its position in the
 * change log, with its current state (a stream changed three times since is one MODIFIED with the
 * newest object; ADDED when it did not exist at `since`; DELETED when it is gone).
 */
@Injectable()
export class ImageStreamChangesQueryHandler {
  constructor(
    private readonly log: WatchLogRepository,
    private readonly streams: ImageStreamRepository,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  async execute(query: ImageStreamChangesQuery): Promise<ImageStreamChanges> {
    if (!/^\d+$/.test(query.sinceResourceVersion)) throw new StatusError(Statuses.badRequest(`invalid resourceVersion "${query.sinceResourceVersion}"`));
    const parsed = parseLabelSelector(query.labelSelector ?? '');
    if (!parsed.ok) throw new StatusError(Statuses.badRequest(`unable to parse requirement: ${parsed.error}`));
    if (BigInt(query.sinceResourceVersion) < (await this.log.horizon())) {
      throw new StatusError(Statuses.expired(`too old resource version: ${query.sinceResourceVersion}`));
    }
    const { entries: rows, resourceVersion } = await this.log.settledSince(query.sinceResourceVersion, query.namespace);
    if (rows.length === 0) return { resourceVersion, events: [] };

    // The last entry per stream decides its type; earlier entries of the same stream only tell
    // whether it was ADDED within the window.
    const byStream = groupRows(rows, (row) => row.uid);
    const latest = [...byStream.values()].map((entries) => ({ last: entries[entries.length - 1], addedInWindow: entries.some((entry) => entry.type === 'ADDED') }));
    latest.sort((a, b) => Number(BigInt(a.last.resource_version) - BigInt(b.last.resource_version)));

    const alive = latest.filter(({ last }) => last.type !== 'DELETED');
    const current = await this.streams.byUids(alive.map(({ last }) => last.uid));
    const events = groupRows(await this.streams.tagEvents(current.map((stream) => stream.uid)), (event) => event.image_stream_uid);
    const views = new Map(current.map((stream) => [stream.uid, imageStreamView(stream, events.get(stream.uid) ?? [], this.settings.hosts)]));

    const out: WatchEvent<ImageStream>[] = [];
    for (const { last, addedInWindow } of latest) {
      if (!matchesLabels(parsed.selector, last.type === 'DELETED' ? last.labels : views.get(last.uid)?.metadata.labels)) continue;
      if (last.type === 'DELETED') {
        // Created and deleted within the window: the watcher never saw it, so it hears nothing.
        if (!addedInWindow) out.push({ type: 'DELETED', object: deletedObject(last) });
        continue;
      }
      const object = views.get(last.uid);
      if (object) out.push({ type: addedInWindow ? 'ADDED' : 'MODIFIED', object });
    }
    return { resourceVersion, events: out };
  }
}

function deletedObject(row: WatchLogRow): ImageStream {
  return {
    kind: 'ImageStream',
    apiVersion: IMAGE_API_VERSION,
    metadata: { name: row.name, namespace: row.namespace, uid: row.uid, resourceVersion: String(row.resource_version), creationTimestamp: '', labels: row.labels },
    spec: { lookupPolicy: { local: false } },
    status: { dockerImageRepository: '' },
  };
}
