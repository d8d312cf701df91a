import { Inject, Injectable } from '@nestjs/common';
import type { ImageStreamTag } from '@imagestreams/contracts';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { parseStreamTagName, tagNotFound } from './image-stream-locator';
import { ImageStreamRepository, toTagEvent } from './image-stream.repository';
import { imageStreamTagView } from './image-stream-tag.view';

@Injectable()
export class ImageStreamTagQueries {
  constructor(
    private readonly streams: ImageStreamRepository,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  /**
   * 404 names the stream when it is missing and `<stream>:<tag>` when the tag has no current image.
   * Tags with `reference: true` have no image either (§4.4) and are 404 too.
   */
  async get(namespace: string, name: string): Promise<ImageStreamTag> {
    const { stream: streamName, tag } = parseStreamTagName(name);
    const stream = await this.streams.find(namespace, streamName);
    if (!stream) throw tagNotFound(streamName);
    const manager = this.streams.manager();
    const row = await this.streams.currentTagEvent(manager, stream.uid, tag);
    if (!row || row.image === '') throw tagNotFound(name);
    return imageStreamTagView(stream, tag, toTagEvent(row), await this.streams.imageRow(manager, row.image), this.settings.hosts);
  }

  /** After a tag write: the tag as written, even if it has no image yet (import pending). */
  async afterWrite(namespace: string, name: string): Promise<ImageStreamTag> {
    const { stream: streamName, tag } = parseStreamTagName(name);
    const stream = await this.streams.find(namespace, streamName);
    if (!stream) throw tagNotFound(streamName);
    const manager = this.streams.manager();
    const row = await this.streams.currentTagEvent(manager, stream.uid, tag);
    return imageStreamTagView(stream, tag, row ? toTagEvent(row) : undefined, row?.image ? await this.streams.imageRow(manager, row.image) : undefined, this.settings.hosts);
  }
}
