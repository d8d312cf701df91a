import { Inject, Injectable } from '@nestjs/common';
import { ImageStreamInput, ImageStreamResource, Statuses, StatusError, validatePayload, type ImageStream, type PatchImageStreamCommand } from '@imagestreams/contracts';
import { applyMergePatch } from '@imagestreams/contracts';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { ImageStreamQueries } from './image-stream-queries';
import { ImageStreamRepository } from './image-stream.repository';
import { imageStreamView } from './image-stream.view';
import { UpdateImageStream } from './update-image-stream';

/**
 * PATCH with `application/merge-patch+json`: applied to the stream as currently stored, under its
 * row lock, so concurrent patches never lose each other's changes. A `metadata.resourceVersion` in
 * the patch is a precondition, as in Kubernetes.
 */
@Injectable()
export class PatchImageStream {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly update: UpdateImageStream,
    private readonly writer: StreamWriter,
    private readonly queries: ImageStreamQueries,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  async execute(command: PatchImageStreamCommand): Promise<ImageStream> {
    const { namespace, name } = command;
    await this.streams.transaction(async (manager) => {
      const stream = await this.streams.lock(manager, namespace, name);
      if (!stream) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
      const current = imageStreamView(stream, await this.streams.tagEvents([stream.uid]), this.settings.hosts);
      const patched = applyMergePatch(current, command.patch) as { metadata?: { name?: unknown } };
      if (patched.metadata?.name !== name) throw new StatusError(Statuses.badRequest('metadata.name may not be changed by a patch'));
      const input = validatePayload(ImageStreamInput, patched);
      if (!input.ok) throw new StatusError(Statuses.invalid(ImageStreamResource, name, input.causes));
      await this.update.apply(manager, stream, input.value, command.actor ?? ANONYMOUS_ACTOR);
    });
    this.writer.published(namespace);
    return this.queries.get(namespace, name);
  }
}
