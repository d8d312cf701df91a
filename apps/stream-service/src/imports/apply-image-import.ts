import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ImageStreamResource,
  NamespaceResource,
  Statuses,
  StatusError,
  type ApplyImageImportCommand,
  type ImageStream,
  type ImportedImageResultInput,
  type MappedImageInput,
} from '@imagestreams/contracts';
import { DEFAULT_REFERENCE_POLICY_TYPE, nextImportConditions, type SpecTag, type TagCondition, type TagEvent } from '@imagestreams/domain-image';
import { ANONYMOUS_ACTOR } from '../image-streams/actor';
import { imageStreamCreatedEntry, importFailedEntry } from '../image-streams/image-events';
import { ImageStreamQueries } from '../image-streams/image-stream-queries';
import { ImageStreamRepository, type ImageRecord, type ImageStreamRow } from '../image-streams/image-stream.repository';
import { REGISTRY_HOSTS } from '../image-streams/registry-hosts';
import type { RegistryHosts } from '../image-streams/image-stream.view';
import { imagePullSpec } from '@imagestreams/domain-image';
import { StreamWriter } from '../stream-writes/stream-writer';
import type { StreamWrite } from '../stream-writes/stream-write';

function imageRecord(image: MappedImageInput, fallbackReference: string): ImageRecord {
  return {
    name: image.metadata.name,
    dockerImageReference: image.dockerImageReference ?? fallbackReference,
    manifestMediaType: image.dockerImageManifestMediaType,
    metadata: image.dockerImageMetadata,
    layers: image.dockerImageLayers,
    manifests: image.dockerImageManifests,
  };
}

/** The spec tag an import leaves behind (§5.1 step 7): from DockerImage, the request's import policy. */
function importedSpecTag(existing: SpecTag | undefined, result: ImportedImageResultInput, generation: number): SpecTag {
  return {
    name: result.tag,
    annotations: existing?.annotations ?? null,
    from: { kind: 'DockerImage', name: result.from },
    generation,
    importPolicy: (result.importPolicy ?? existing?.importPolicy ?? {}) as SpecTag['importPolicy'],
    referencePolicy: (existing?.referencePolicy ?? result.referencePolicy ?? { type: DEFAULT_REFERENCE_POLICY_TYPE }) as SpecTag['referencePolicy'],
  };
}

/**
 * Applies what the importer found to a stream, in one transaction (OpenShift §5.1 steps 7–8):
 * a successful import moves the tag (cause `import`) only when the image or pull spec differs from
 * the tag's current entry, or the spec asked for a newer generation; a failure records an
 * ImportSuccess=False condition unless the same one is already there. Nothing changed, nothing written.
 */
@Injectable()
export class ApplyImageImport {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    private readonly queries: ImageStreamQueries,
    @Inject(REGISTRY_HOSTS) private readonly hosts: RegistryHosts,
  ) {}

  async execute(command: ApplyImageImportCommand): Promise<ImageStream> {
    const { namespace, stream: name } = command;
    const actor = command.actor ?? ANONYMOUS_ACTOR;
    let changed = false;
    await this.streams.transaction(async (manager) => {
      const { stream, created } = await this.lockForImport(manager, command);
      const fallback = (digest: string) => imagePullSpec(this.hosts.internal, namespace, name, digest);
      for (const image of [...(command.untagged ?? []), ...command.images.flatMap((result) => [...(result.image ? [result.image] : []), ...(result.manifests ?? [])])]) {
        await this.streams.insertImage(manager, imageRecord(image, fallback(image.metadata.name)));
      }

      const write = this.writer.begin(manager, stream, actor);
      if (created) {
        write.entries.push(imageStreamCreatedEntry({ namespace, imageStream: name, uid: stream.uid, actor }));
        write.dirty = true;
        write.watchType = 'ADDED';
      }
      const specTags = [...write.specTags];
      const conditions: Record<string, TagCondition[]> = { ...(stream.tag_conditions ?? {}) };
      const nextGeneration = Number(stream.generation) + 1;
      const now = new Date().toISOString();
      let specChanged = false;
      let conditionsChanged = false;
      const moves: { tag: string; event: TagEvent }[] = [];

      for (const result of command.images) {
        const index = specTags.findIndex((tag) => tag.name === result.tag);
        const existing = index >= 0 ? specTags[index] : undefined;
        // The controller and the scheduler import what the spec said; if it has moved on since, a
        // newer import is coming and this result must not undo the user's change.
        if (command.origin !== undefined && command.origin !== 'user' && existing?.from?.name !== result.from) continue;
        const setSpecTag = (tag: SpecTag) => {
          if (index >= 0) specTags[index] = tag;
          else specTags.push(tag);
          specChanged = true;
        };
        const outcome = nextImportConditions(conditions[result.tag] ?? [], result.failure, nextGeneration, now);
        if (outcome.changed) {
          conditionsChanged = true;
          if (outcome.conditions.length) conditions[result.tag] = outcome.conditions;
          else delete conditions[result.tag];
        }
        if (result.image) {
          const event: TagEvent = { created: now, dockerImageReference: result.image.dockerImageReference ?? fallback(result.image.metadata.name), image: result.image.metadata.name, generation: nextGeneration };
          const current = (await this.writer.currentOf(write, result.tag))?.event;
          const moved = !current || current.image !== event.image || current.dockerImageReference !== event.dockerImageReference || (existing?.generation ?? 0) > current.generation;
          if (moved) {
            setSpecTag(importedSpecTag(existing, result, nextGeneration));
            moves.push({ tag: result.tag, event });
          } else if (result.importPolicy && JSON.stringify(result.importPolicy) !== JSON.stringify(existing?.importPolicy ?? {})) {
            setSpecTag({ ...importedSpecTag(existing, result, existing?.generation ?? nextGeneration) });
          }
        } else if (result.failure && outcome.changed) {
          // The failed tag's spec generation becomes the new one, so the condition names it (§5.1).
          setSpecTag(importedSpecTag(existing, result, nextGeneration));
          write.entries.push(importFailedEntry({ namespace, imageStream: name, tag: result.tag, actor, from: result.from, reason: result.failure.reason, message: result.failure.message }));
        }
      }

      if (specChanged) await this.saveSpec(write, specTags, nextGeneration);
      for (const move of moves) await this.writer.record(write, move.tag, move.event, 'import');
      if (conditionsChanged) {
        await this.streams.setTagConditions(manager, stream.uid, conditions);
        write.dirty = true;
      }
      changed = write.dirty;
      if (write.dirty) await this.writer.finish(write);
    });
    if (changed) this.writer.published(namespace);
    return this.queries.get(namespace, name);
  }

  /** The stream, locked; created when missing unless the request pinned a resourceVersion or uid (§5.1 step 3). */
  private async lockForImport(manager: Parameters<ImageStreamRepository['lock']>[0], command: ApplyImageImportCommand): Promise<{ stream: ImageStreamRow; created: boolean }> {
    const { namespace, stream: name } = command;
    const existing = await this.streams.lock(manager, namespace, name);
    if (existing) {
      if (command.uid && command.uid !== existing.uid) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
      if (command.resourceVersion && command.resourceVersion !== String(existing.resource_version)) {
        throw new StatusError(Statuses.conflict(ImageStreamResource, name, `the image stream was updated from ${command.resourceVersion} to ${existing.resource_version}`));
      }
      return { stream: existing, created: false };
    }
    if (command.resourceVersion || command.uid) throw new StatusError(Statuses.notFound(ImageStreamResource, name));
    const locked = await this.streams.lockOrCreate(manager, namespace, name, randomUUID(), { likelyNew: true, createNamespace: command.createNamespace === true });
    if (!locked) throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
    return locked;
  }

  private async saveSpec(write: StreamWrite, specTags: SpecTag[], generation: number): Promise<void> {
    const stream = write.stream;
    write.stream = await this.streams.updateStream(write.manager, stream.uid, {
      generation,
      labels: stream.labels,
      annotations: stream.annotations,
      spec: { ...(stream.spec as object), tags: specTags },
    });
    write.specTags = specTags;
    write.dirty = true;
  }
}
