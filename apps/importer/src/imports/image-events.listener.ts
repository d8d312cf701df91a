import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventSubjects, ImageImportRequests, type CloudEvent, type ImageStreamDeletedV1, type ImportSpecChangedV1, type TagDeletedV1 } from '@imagestreams/contracts';
import { effectiveInterval, nextCheckAt, platformPreferencesFromAnnotations } from '@imagestreams/domain-import';
import { OnEvent, OwnerClient } from '@imagestreams/platform-messaging';
import { SCHEDULER_ACTOR } from '../schedules/import-scheduler';
import { ScheduledTagsRepository } from '../schedules/scheduled-tags.repository';
import { ImageImporter } from './image-importer';
import { importResult } from './import-results';
import { IMPORT_SETTINGS, type ImportSettings } from './import-settings';

/**
 * OpenShift's import controller (§5.2) and the schedule's upkeep: a stream's importable tags
 * arrive as `importspec.changed`; scheduled ones are (re)scheduled, new or changed ones imported
 * now. Deleted streams and tags leave the schedule.
 */
@Controller()
export class ImageEventsListener {
  constructor(
    private readonly schedules: ScheduledTagsRepository,
    private readonly importer: ImageImporter,
    private readonly owners: OwnerClient,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  @OnEvent(EventSubjects.importSpecChanged)
  async onImportSpecChanged(@Payload() event: CloudEvent<ImportSpecChangedV1>): Promise<void> {
    const spec = event.data;
    const interval = effectiveInterval(this.settings.schedule.intervalMs, this.settings.schedule.minimumIntervalMs);
    const scheduled = spec.tags
      .filter((tag) => tag.importPolicy?.scheduled === true)
      .map((tag) => ({
        tag: tag.tag,
        source: tag.from,
        insecure: tag.importPolicy?.insecure === true,
        importMode: tag.importPolicy?.importMode || this.settings.defaultMode,
        ...platformPreferencesFromAnnotations(tag.annotations),
        referencePolicy: tag.referencePolicy?.type,
        firstCheckAt: new Date(nextCheckAt(Date.now(), interval, this.settings.schedule.jitter, Math.random)),
      }));
    const current = await this.schedules.replaceStream(spec.namespace, spec.imageStream, spec.resourceVersion, scheduled);
    if (!current) return;

    const needed = spec.tags.filter((tag) => tag.needsImport);
    if (needed.length === 0) return;
    const logins = this.importer.loginLookup();
    const outcomes = await Promise.all(
      needed.map((tag) =>
        this.importer.importImage(
          spec.namespace,
          { source: tag.from, insecure: tag.importPolicy?.insecure, importMode: tag.importPolicy?.importMode, platform: platformPreferencesFromAnnotations(tag.annotations) },
          logins,
        ),
      ),
    );
    try {
      await this.owners.request(ImageImportRequests.apply, {
        namespace: spec.namespace,
        stream: spec.imageStream,
        uid: spec.uid,
        actor: SCHEDULER_ACTOR,
        origin: 'spec',
        images: needed.map((tag, index) => importResult(tag.tag, tag.from, outcomes[index], {})),
      });
    } catch (error) {
      // The stream was deleted (or recreated: another uid) meanwhile: nothing to import into.
      if ((error as { status?: { code?: number } }).status?.code === 404) return;
      throw error;
    }
    await Promise.all(
      needed.map((tag, index) => {
        const outcome = outcomes[index];
        return outcome.ok ? this.schedules.recordDigest({ namespace: spec.namespace, stream: spec.imageStream, tag: tag.tag }, tag.from, outcome.sourceDigest) : undefined;
      }),
    );
  }

  @OnEvent(EventSubjects.imageStreamDeleted)
  async onImageStreamDeleted(@Payload() event: CloudEvent<ImageStreamDeletedV1>): Promise<void> {
    await this.schedules.dropStream(event.data.namespace, event.data.imageStream, event.data.resourceVersion);
  }

  @OnEvent(EventSubjects.tagDeleted)
  async onTagDeleted(@Payload() event: CloudEvent<TagDeletedV1>): Promise<void> {
    await this.schedules.dropTag({ namespace: event.data.namespace, stream: event.data.imageStream, tag: event.data.tag }, event.data.resourceVersion);
  }
}
