import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ImageStreamResource, NamespaceResource, Statuses, StatusError, type CreateImageStreamCommand, type ImageStream } from '@imagestreams/contracts';
import { assignTagGenerations } from '@imagestreams/domain-image';
import { SpecResolver } from '../stream-writes/spec-resolver';
import { specProblems, toStoredSpec } from '../stream-writes/stored-spec';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ANONYMOUS_ACTOR } from './actor';
import { imageStreamCreatedEntry } from './image-events';
import { ImageStreamQueries } from './image-stream-queries';
import { ImageStreamRepository } from './image-stream.repository';

/** POST imagestreams: generation 1, every spec tag generation 1, spec tags resolved now (§4.1, §4.2). */
@Injectable()
export class CreateImageStream {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    private readonly resolver: SpecResolver,
    private readonly queries: ImageStreamQueries,
  ) {}

  async execute(command: CreateImageStreamCommand): Promise<ImageStream> {
    const { namespace, imageStream: input } = command;
    const name = input.metadata.name;
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    assertSameNamespace(input.metadata.namespace, namespace);
    const spec = toStoredSpec(input.spec);
    const here = { namespace, stream: name };
    const problems = specProblems(spec, here);
    if (problems.length) throw new StatusError(Statuses.invalid(ImageStreamResource, name, problems));
    const { tags, changed } = assignTagGenerations(undefined, spec.tags, 1, namespace);

    await this.streams.transaction(async (manager) => {
      const inserted = await this.streams.insert(manager, {
        uid: randomUUID(),
        namespace,
        name,
        labels: input.metadata.labels ?? {},
        annotations: input.metadata.annotations ?? {},
        spec: { ...spec, tags },
      });
      if (inserted === 'exists') throw new StatusError(Statuses.alreadyExists(ImageStreamResource, name));
      if (inserted === 'no-namespace') throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
      const write = this.writer.begin(manager, inserted, actor);
      write.watchType = 'ADDED';
      write.dirty = true;
      write.entries.push(imageStreamCreatedEntry({ namespace, imageStream: name, uid: inserted.uid, actor }));
      const causes = await this.resolver.resolve(write, changed);
      if (causes.length) throw new StatusError(Statuses.invalid(ImageStreamResource, name, causes));
      await this.writer.finish(write);
    });
    this.writer.published(namespace);
    return this.queries.get(namespace, name);
  }
}

/** Kubernetes: an object's own namespace, if given, must be the one in the path. */
export function assertSameNamespace(bodyNamespace: string | undefined, pathNamespace: string): void {
  if (bodyNamespace && bodyNamespace !== pathNamespace) {
    throw new StatusError(Statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
}
