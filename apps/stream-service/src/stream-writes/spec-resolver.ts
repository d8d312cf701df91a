import { Inject, Injectable } from '@nestjs/common';
import type { StatusCause } from '@imagestreams/contracts';
import { dockerImageRepository, findImageByPrefix, parseTagSource, rewriteForThisStream, type TagEvent } from '@imagestreams/domain-image';
import { ImageStreamRepository, toTagEvent } from '../image-streams/image-stream.repository';
import { STREAM_SETTINGS, type StreamSettings } from './stream-settings';
import type { StreamWrite } from './stream-write';
import { StreamWriter } from './stream-writer';

/**
 * Resolves spec tags that are new or changed, synchronously, as OpenShift does on a spec write
 * (reference §4.2): `reference: true` pull specs and ImageStreamTag/ImageStreamImage sources become
 * tag events now; plain DockerImage sources wait for the importer. Returns the problems found
 * (the caller answers 422 Invalid and its transaction rolls back).
 */
@Injectable()
export class SpecResolver {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly writer: StreamWriter,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  async resolve(write: StreamWrite, tagNames: string[]): Promise<StatusCause[]> {
    const causes: StatusCause[] = [];
    for (const name of tagNames) {
      const tag = write.specTags.find((candidate) => candidate.name === name);
      if (!tag?.from) continue;
      const field = `spec.tags[${name}].from`;
      const generation = tag.generation ?? Number(write.stream.generation);
      const created = new Date().toISOString();
      const source = parseTagSource(tag.from, write.here);
      if ('error' in source) {
        causes.push({ reason: 'FieldValueInvalid', field: `${field}.name`, message: source.error });
        continue;
      }
      if (source.kind === 'DockerImage') {
        if (tag.reference) await this.writer.record(write, name, { created, dockerImageReference: source.pullSpec, image: '', generation }, 'tag');
        // Imported asynchronously: the importer hears of it through `importspec.changed` (§5.2).
        else write.importsNeeded.add(name);
        continue;
      }
      const sameStream = source.namespace === write.here.namespace && source.stream === write.here.stream;
      const sourceUid = sameStream ? write.stream.uid : (await this.streams.find(source.namespace, source.stream))?.uid;
      if (!sourceUid) {
        causes.push({ reason: 'FieldValueNotFound', field: `${field}.name`, message: `imagestreams.image.openshift.io "${source.stream}" not found in namespace "${source.namespace}"` });
        continue;
      }
      let found: TagEvent | undefined;
      if (source.kind === 'ImageStreamTag') {
        found = sameStream ? (await this.writer.currentOf(write, source.tag))?.event : await this.currentOf(write, sourceUid, source.tag);
        // A source tag without status yet is not an error: there is simply nothing to copy.
        if (!found) continue;
      } else {
        const history = (await this.streams.allTagEvents(write.manager, sourceUid)).map(toTagEvent);
        const match = findImageByPrefix(
          history.map((event) => event.image).filter((image) => image !== ''),
          source.id,
        );
        if ('error' in match) {
          const detail = match.error === 'ambiguous' ? `multiple images match the prefix "${source.id}": ${match.matches.join(', ')}` : match.error === 'too-short' ? `"${source.id}" is shorter than 7 hex characters` : `no image "${source.id}" in ${source.namespace}/${source.stream}`;
          causes.push({ reason: 'FieldValueInvalid', field: `${field}.name`, message: `error generating tag event: ${detail}` });
          continue;
        }
        found = history.find((event) => event.image === match.image);
        if (!found) continue;
      }
      const dockerImageReference = rewriteForThisStream(
        found.dockerImageReference,
        dockerImageRepository(this.settings.hosts.internal, source.namespace, source.stream),
        dockerImageRepository(this.settings.hosts.internal, write.here.namespace, write.here.stream),
        found.image,
        tag.reference ?? false,
      );
      const cause = sameStream && source.kind === 'ImageStreamTag' ? 'alias' : 'tag';
      await this.writer.record(write, name, { created, dockerImageReference, image: found.image, generation }, cause);
    }
    return causes;
  }

  private async currentOf(write: StreamWrite, streamUid: string, tag: string): Promise<TagEvent | undefined> {
    const row = await this.streams.currentTagEvent(write.manager, streamUid, tag);
    return row ? toTagEvent(row) : undefined;
  }
}
