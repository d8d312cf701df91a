import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GetImageQuery,
  GetImageStreamImageQuery,
  IMAGE_API_VERSION,
  IMAGE_STREAM_IMAGE_NAME_MESSAGE,
  ImageReadRequests,
  ImageResource,
  ImageStreamImageResource,
  ListImagesQuery,
  splitImageStreamImageName,
  Statuses,
  StatusError,
  type Image,
  type ImageList,
  type ImageStreamImage,
  type Status,
} from '@imagestreams/contracts';
import { findImageByPrefix } from '@imagestreams/domain-image';
import { OnRequest } from '@imagestreams/platform-messaging';
import { imageStreamImageView, imageView } from './image.view';
import { ImagesRepository } from './images.repository';

/** Why `<stream>@<id>` names no single image the stream references. */
function lookupFailure(name: string, id: string, error: 'too-short' | 'not-found' | 'ambiguous', matches: string[]): Status {
  switch (error) {
    case 'too-short':
      return Statuses.badRequest(`the image id "${id}" must be a digest or at least 7 hexadecimal characters of one`);
    case 'ambiguous':
      // OpenShift picks one of them arbitrarily; naming them lets the client pick instead.
      return Statuses.conflict(ImageStreamImageResource, name, `multiple images match the prefix "${id}": ${matches.join(', ')}`);
    case 'not-found':
      return Statuses.notFound(ImageStreamImageResource, name);
  }
}

@Controller()
export class ImagesRequests {
  constructor(private readonly images: ImagesRepository) {}

  @OnRequest(ImageReadRequests.getImage)
  async get(@Payload() query: GetImageQuery): Promise<Image> {
    const row = await this.images.find(query.name);
    if (!row) throw new StatusError(Statuses.notFound(ImageResource, query.name));
    return imageView(row);
  }

  @OnRequest(ImageReadRequests.listImages)
  async list(@Payload() _query: ListImagesQuery): Promise<ImageList> {
    const resourceVersion = await this.images.currentResourceVersion();
    const rows = await this.images.list();
    return { kind: 'ImageList', apiVersion: IMAGE_API_VERSION, metadata: { resourceVersion }, items: rows.map(imageView) };
  }

  /**
   * `<stream>@<id>`: id is a digest or a prefix of one (≥ 7 hex, `sha256:` optional) among the
   * images the stream references. Only those are visible through it: any other image is not found,
   * like the stream itself when it does not exist.
   */
  @OnRequest(ImageReadRequests.getImageStreamImage)
  async getImageStreamImage(@Payload() query: GetImageStreamImageQuery): Promise<ImageStreamImage> {
    const parts = splitImageStreamImageName(query.name);
    if (!parts) throw new StatusError(Statuses.badRequest(IMAGE_STREAM_IMAGE_NAME_MESSAGE));
    const stream = await this.images.findStream(query.namespace, parts.stream);
    const candidates = stream ? await this.images.referencedImages(stream.uid) : [];
    const found = findImageByPrefix(candidates, parts.id);
    if ('error' in found) throw new StatusError(lookupFailure(query.name, parts.id, found.error, found.matches));
    // A platform manifest of a list is addressable only once it is recorded as an image itself.
    const image = stream ? await this.images.find(found.image) : undefined;
    if (!stream || !image) throw new StatusError(Statuses.notFound(ImageStreamImageResource, query.name));
    return imageStreamImageView(stream, image);
  }
}
