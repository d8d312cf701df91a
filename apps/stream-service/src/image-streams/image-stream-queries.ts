import { Inject, Injectable } from '@nestjs/common';
import { ImageStreamResource, Statuses, StatusError, type ImageStream } from '@imagestreams/contracts';
import { RawJson } from '@imagestreams/platform-messaging';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { ImageStreamRepository } from './image-stream.repository';
import { imageStreamView } from './image-stream.view';
import { RenderedStreamCache } from './rendered-stream-cache';

const UNCHANGED = Buffer.from('null');

/** Reads a stream as the API shows it (after a write has committed, or for GET). */
@Injectable()
export class ImageStreamQueries {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly cache: RenderedStreamCache,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  async get(namespace: string, name: string): Promise<ImageStream> {
    const { uid, resourceVersion } = await this.render(namespace, name);
    return this.cache.get(uid, resourceVersion) as ImageStream;
  }

  /**
   * The same, already serialized, for the GET request whose reply is only forwarded; JSON `null`
   * when the caller's copy is at `unlessResourceVersion`, still current.
   */
  async getJson(namespace: string, name: string, unlessResourceVersion?: string): Promise<RawJson> {
    const { uid, resourceVersion } = await this.render(namespace, name, unlessResourceVersion);
    if (resourceVersion === unlessResourceVersion) return new RawJson(UNCHANGED);
    return new RawJson(this.cache.json(uid, resourceVersion) as Buffer);
  }

  /** Makes sure the cache holds the stream at its current resourceVersion. */
  private async render(namespace: string, name: string, unlessResourceVersion?: string): Promise<{ uid: string; resourceVersion: string }> {
    const stream = await this.streams.find(namespace, name);
    if (!stream) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
    const resourceVersion = String(stream.resource_version);
    if (resourceVersion !== unlessResourceVersion && !this.cache.get(stream.uid, resourceVersion)) {
      this.cache.set(stream.uid, resourceVersion, imageStreamView(stream, await this.streams.tagEvents([stream.uid]), this.settings.hosts));
    }
    return { uid: stream.uid, resourceVersion };
  }
}
