import { Inject, Injectable } from '@nestjs/common';
import { ImageStreamResource, Statuses, StatusError, type ImageStream } from '@imagestreams/contracts';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { ImageStreamRepository } from './image-stream.repository';
import { imageStreamView } from './image-stream.view';
import { RenderedStreamCache } from './rendered-stream-cache';

/** Reads a stream as the API shows it (after a write has committed, or for GET). */
@Injectable()
export class ImageStreamQueries {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly cache: RenderedStreamCache,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  async get(namespace: string, name: string): Promise<ImageStream> {
    const stream = await this.streams.find(namespace, name);
    if (!stream) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
    const resourceVersion = String(stream.resource_version);
    const cached = this.cache.get(stream.uid, resourceVersion);
    if (cached) return cached;
    const view = imageStreamView(stream, await this.streams.tagEvents([stream.uid]), this.settings.hosts);
    this.cache.set(stream.uid, resourceVersion, view);
    return view;
  }
}
