import { Inject, Injectable } from '@nestjs/common';
import {
  IMAGE_API_VERSION,
  ImageImportRequests,
  ImageStreamImportResource,
  Statuses,
  StatusError,
  type CreateImageStreamImportCommand,
  type ImageImportSpecInput,
  type ImageImportStatus,
  type ImageStreamImport,
  type ImportedImageResultInput,
  type MappedImageInput,
  type RepositoryImportStatus,
} from '@imagestreams/contracts';
import { orderRepositoryTags, parseImportSource, repositoryImportStatus, splitBulkImport, successStatus as importSuccessStatus } from '@imagestreams/domain-import';
import { InvalidReferenceError } from '@imagestreams/image-reference';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { ImageImporter, type ImageImportOutcome } from './image-importer';
import { importResult } from './import-results';
import { IMPORT_SETTINGS, type ImportSettings } from './import-settings';

function imageStatus(outcome: ImageImportOutcome, tag?: string): ImageImportStatus {
  if (!outcome.ok) return { status: outcome.status, ...(tag ? { tag } : {}) };
  return { status: importSuccessStatus(), image: outcome.view, ...(tag ? { tag } : {}), ...(outcome.manifestViews.length ? { manifests: outcome.manifestViews } : {}) };
}

/**
 * `POST imagestreamimports` (OpenShift §5.1): look the images up (identical requests once), then,
 * when `spec.import` is true, hand the outcomes to stream-service, which moves tags and records
 * conditions in one transaction. A preview persists nothing.
 */
@Injectable()
export class ImageStreamImports {
  constructor(
    private readonly importer: ImageImporter,
    private readonly owners: OwnerClient,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  async create(command: CreateImageStreamImportCommand): Promise<ImageStreamImport> {
    const { namespace, import: input } = command;
    const { spec, metadata } = input;
    const images = spec.images ?? [];
    if (images.length === 0 && !spec.repository) {
      throw new StatusError(Statuses.invalid(ImageStreamImportResource, metadata.name, [{ reason: 'FieldValueRequired', field: 'spec', message: 'at least one of spec.images or spec.repository is required' }]));
    }
    const once = new Map<string, Promise<ImageImportOutcome>>();
    const logins = this.importer.loginLookup();
    const lookUp = (source: string, policy: ImageImportSpecInput['importPolicy'], includeManifest?: boolean) => {
      const key = JSON.stringify([source, policy?.insecure ?? false, policy?.importMode ?? '', includeManifest ?? false]);
      let outcome = once.get(key);
      if (!outcome) {
        outcome = this.importer.importImage(namespace, { source, insecure: policy?.insecure, importMode: policy?.importMode, includeManifest }, logins);
        once.set(key, outcome);
      }
      return outcome;
    };

    const imageOutcomes = await Promise.all(images.map((image) => lookUp(image.from.name, image.importPolicy, image.includeManifest)));
    const results: ImportedImageResultInput[] = [];
    const untagged: MappedImageInput[] = [];
    images.forEach((image, index) => {
      const outcome = imageOutcomes[index];
      if (image.to) results.push(importResult(image.to.name, image.from.name, outcome, image));
      else if (outcome.ok) untagged.push(outcome.image, ...outcome.manifests);
    });

    let repository: RepositoryImportStatus | undefined;
    if (spec.repository) {
      const { status, tagged } = await this.importRepository(namespace, spec.repository, lookUp);
      repository = status;
      results.push(...tagged);
    }

    const status: ImageStreamImport['status'] = {
      ...(images.length ? { images: images.map((image, index) => imageStatus(imageOutcomes[index], image.to?.name)) } : {}),
      ...(repository ? { repository } : {}),
    };
    if (spec.import) {
      status.import = await this.owners.request(ImageImportRequests.apply, {
        namespace,
        stream: metadata.name,
        ...(metadata.resourceVersion ? { resourceVersion: metadata.resourceVersion } : {}),
        ...(metadata.uid ? { uid: metadata.uid } : {}),
        actor: command.actor,
        origin: 'user',
        images: results,
        ...(untagged.length ? { untagged } : {}),
      });
    }
    return {
      kind: 'ImageStreamImport',
      apiVersion: IMAGE_API_VERSION,
      metadata: { name: metadata.name, namespace, creationTimestamp: new Date().toISOString() },
      spec,
      status,
    };
  }

  /** `spec.repository`: the remote tags in OpenShift's order, the first IMPORT_BULK_LIMIT imported. */
  private async importRepository(
    namespace: string,
    repositorySpec: NonNullable<CreateImageStreamImportCommand['import']['spec']['repository']>,
    lookUp: (source: string, policy: ImageImportSpecInput['importPolicy'], includeManifest?: boolean) => Promise<ImageImportOutcome>,
  ): Promise<{ status: RepositoryImportStatus; tagged: ImportedImageResultInput[] }> {
    const name = repositorySpec.from.name;
    const invalidName = (message: string) => new StatusError(Statuses.invalid(ImageStreamImportResource, name, [{ reason: 'FieldValueInvalid', field: 'spec.repository.from.name', message }]));
    let source: ReturnType<typeof parseImportSource>;
    try {
      source = parseImportSource(name);
    } catch (error) {
      if (error instanceof InvalidReferenceError) throw invalidName(error.message);
      throw error;
    }
    if (source.tag !== undefined && name.includes(':', name.lastIndexOf('/')) || source.digest) throw invalidName('you must specify an image repository, not a tag or ID');
    const listed = await this.importer.listRepositoryTags(namespace, name, repositorySpec.importPolicy?.insecure ?? false);
    if (!listed.ok) return { status: { status: listed.status }, tagged: [] };
    const { imported, additional } = splitBulkImport(orderRepositoryTags(listed.tags), this.settings.bulkLimit);
    const base = `${source.displayRegistry}/${source.repository}`;
    const outcomes = await Promise.all(imported.map((tag) => lookUp(`${base}:${tag}`, repositorySpec.importPolicy, repositorySpec.includeManifest)));
    const failed = outcomes.filter((outcome) => !outcome.ok).length;
    return {
      status: {
        status: repositoryImportStatus(failed, outcomes.length),
        images: outcomes.map((outcome, index) => imageStatus(outcome, imported[index])),
        ...(additional.length ? { additionalTags: additional } : {}),
      },
      tagged: outcomes.map((outcome, index) => importResult(imported[index], `${base}:${imported[index]}`, outcome, repositorySpec)),
    };
  }
}
