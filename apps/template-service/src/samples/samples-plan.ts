import { SAMPLES_MANAGED_LABEL, SAMPLES_VERSION_ANNOTATION, type SamplesConfigSpec } from '@imagestreams/contracts';
import type { CatalogImageStream, CatalogTemplate, SamplesCatalog } from './catalog';
import { jsonEqual } from './json-equal';
import { rewritePullSpec } from './registry-rewrite';

/**
 * What the samples operator does, as pure functions: given the catalog, the Config's spec and
 * what the samples namespace holds now, the actions that make it hold the catalog
 * (reference §6.3, §6.5). The reconciler reads the state, calls {@link planSamples} and carries
 * the actions out; planning twice against the result plans nothing.
 */

export type EffectiveState = 'Managed' | 'Unmanaged' | 'Removed';

/** The Config's spec as the operator acts on it. */
export interface SamplesIntent {
  /** Anything but Unmanaged and Removed (Force, empty) is Managed. */
  state: EffectiveState;
  samplesRegistry: string;
  skippedImagestreams: readonly string[];
  skippedTemplates: readonly string[];
}

export interface SamplesTarget {
  namespace: string;
  version: string;
}

export interface ExistingTag {
  name: string;
  annotations?: Record<string, string> | null;
  from?: { kind: string; name: string; namespace?: string };
  reference?: boolean;
  generation?: number | null;
  importPolicy?: { insecure?: boolean; scheduled?: boolean; importMode?: string };
  referencePolicy?: { type?: string };
}

export interface ExistingTagStatus {
  tag: string;
  conditions?: { type: string; status: string; message?: string; reason?: string; generation?: number }[];
}

/** An image stream in the samples namespace, as stream-service answers it. */
export interface ExistingImageStream {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: { lookupPolicy?: { local?: boolean }; dockerImageRepository?: string; tags?: ExistingTag[] };
  status?: { tags?: ExistingTagStatus[] };
}

/** A template in the samples namespace: its API view without the server-set metadata. */
export interface ExistingTemplate {
  name: string;
  labels: Record<string, string>;
  template: Record<string, unknown>;
}

/** An ImageStream body for stream-service (create and update): ImageStreamInput's shape. */
export interface DesiredImageStream {
  apiVersion: 'image.openshift.io/v1';
  kind: 'ImageStream';
  metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: { lookupPolicy: { local: boolean }; dockerImageRepository?: string; tags: ExistingTag[] };
}

export type SampleAction =
  | { action: 'create'; kind: 'ImageStream'; name: string; imageStream: DesiredImageStream }
  | { action: 'update'; kind: 'ImageStream'; name: string; imageStream: DesiredImageStream }
  | { action: 'create'; kind: 'Template'; name: string; template: Record<string, unknown> }
  | { action: 'update'; kind: 'Template'; name: string; template: Record<string, unknown> }
  /** A skipped sample that exists: its managed label becomes "false"; nothing else changes. */
  | { action: 'unmanage'; kind: 'ImageStream' | 'Template'; name: string }
  | { action: 'delete'; kind: 'ImageStream' | 'Template'; name: string };

export interface PlanInput {
  catalog: SamplesCatalog;
  intent: SamplesIntent;
  target: SamplesTarget;
  imageStreams: readonly ExistingImageStream[];
  templates: readonly ExistingTemplate[];
}

export function effectiveState(managementState: string | undefined): EffectiveState {
  return managementState === 'Unmanaged' || managementState === 'Removed' ? managementState : 'Managed';
}

export function samplesIntent(spec: SamplesConfigSpec): SamplesIntent {
  return {
    state: effectiveState(spec.managementState),
    samplesRegistry: spec.samplesRegistry ?? '',
    skippedImagestreams: spec.skippedImagestreams ?? [],
    skippedTemplates: spec.skippedTemplates ?? [],
  };
}

function managedMetadata(target: SamplesTarget, labels: Record<string, string> | undefined, annotations: Record<string, string>) {
  return { labels: { ...labels, [SAMPLES_MANAGED_LABEL]: 'true' }, annotations: { ...annotations, [SAMPLES_VERSION_ANNOTATION]: target.version } };
}

/**
 * A catalog stream as it should be: `samplesRegistry` applied to `dockerImageRepository` and every
 * DockerImage `from` (ImageStreamTag aliases untouched), the managed label and version annotation.
 */
export function desiredImageStream(stream: CatalogImageStream, intent: Pick<SamplesIntent, 'samplesRegistry'>, target: SamplesTarget): DesiredImageStream {
  const rewrite = (pullSpec: string) => rewritePullSpec(pullSpec, intent.samplesRegistry);
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name: stream.metadata.name, ...managedMetadata(target, undefined, stream.metadata.annotations) },
    spec: {
      lookupPolicy: { ...stream.spec.lookupPolicy },
      ...(stream.spec.dockerImageRepository ? { dockerImageRepository: rewrite(stream.spec.dockerImageRepository) } : {}),
      tags: stream.spec.tags.map((tag) => ({
        ...tag,
        annotations: { ...tag.annotations },
        from: tag.from.kind === 'DockerImage' ? { ...tag.from, name: rewrite(tag.from.name) } : { ...tag.from },
        importPolicy: { ...tag.importPolicy },
        referencePolicy: { ...tag.referencePolicy },
      })),
    },
  };
}

/**
 * A catalog template as it should be: the managed label and version annotation, and the
 * NAMESPACE parameter defaulting to the samples namespace (where its image streams are).
 */
export function desiredTemplate(template: CatalogTemplate, target: SamplesTarget): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(template)) as CatalogTemplate;
  copy.metadata = { ...copy.metadata, ...managedMetadata(target, copy.metadata.labels, copy.metadata.annotations) };
  copy.parameters = copy.parameters.map((parameter) => (parameter.name === 'NAMESPACE' ? { ...parameter, value: target.namespace } : parameter));
  return copy as unknown as Record<string, unknown>;
}

function sameTag(desired: ExistingTag, existing: ExistingTag): boolean {
  const from = (tag: ExistingTag) => (tag.from ? { kind: tag.from.kind, name: tag.from.name, namespace: tag.from.namespace || undefined } : undefined);
  return (
    jsonEqual(from(desired), from(existing)) &&
    jsonEqual(desired.annotations ?? {}, existing.annotations ?? {}) &&
    (desired.reference ?? false) === (existing.reference ?? false) &&
    (desired.importPolicy?.scheduled ?? false) === (existing.importPolicy?.scheduled ?? false) &&
    (desired.importPolicy?.insecure ?? false) === (existing.importPolicy?.insecure ?? false) &&
    (desired.importPolicy?.importMode === undefined || desired.importPolicy.importMode === existing.importPolicy?.importMode) &&
    (desired.referencePolicy?.type || 'Source') === (existing.referencePolicy?.type || 'Source')
  );
}

/**
 * Whether a stream differs from what the catalog says in anything the catalog sets. What the
 * catalog does not set is the user's and is kept: other labels and annotations, and tags of other
 * names (OpenShift keeps tags that left the catalog, so end-of-life tags keep working).
 */
export function imageStreamDrifted(desired: DesiredImageStream, existing: ExistingImageStream): boolean {
  if (existing.labels[SAMPLES_MANAGED_LABEL] !== 'true') return true;
  if (Object.entries(desired.metadata.annotations).some(([key, value]) => existing.annotations[key] !== value)) return true;
  if ((desired.spec.lookupPolicy.local ?? false) !== (existing.spec.lookupPolicy?.local ?? false)) return true;
  if ((desired.spec.dockerImageRepository ?? '') !== (existing.spec.dockerImageRepository ?? '')) return true;
  const tags = new Map((existing.spec.tags ?? []).map((tag) => [tag.name, tag]));
  return desired.spec.tags.some((tag) => {
    const current = tags.get(tag.name);
    return current === undefined || !sameTag(tag, current);
  });
}

/** The update that restores a drifted stream: the catalog's fields over the stream's own, its other tags kept after the catalog's. */
export function mergedImageStream(desired: DesiredImageStream, existing: ExistingImageStream): DesiredImageStream {
  const names = new Set(desired.spec.tags.map((tag) => tag.name));
  return {
    ...desired,
    metadata: {
      name: desired.metadata.name,
      labels: { ...existing.labels, ...desired.metadata.labels },
      annotations: { ...existing.annotations, ...desired.metadata.annotations },
    },
    spec: { ...desired.spec, tags: [...desired.spec.tags, ...(existing.spec.tags ?? []).filter((tag) => !names.has(tag.name))] },
  };
}

/** Templates are replaced whole (OpenShift's template upsert): any difference is drift. */
export function templateDrifted(desired: Record<string, unknown>, existing: ExistingTemplate): boolean {
  return !jsonEqual(desired, existing.template);
}

function planKind<TDesired, TExisting extends { name: string; labels: Record<string, string> }>(
  kind: 'ImageStream' | 'Template',
  state: EffectiveState,
  catalogNames: readonly string[],
  skipped: readonly string[],
  existing: readonly TExisting[],
  desired: (name: string) => TDesired,
  drifted: (desired: TDesired, existing: TExisting) => boolean,
  upsert: (action: 'create' | 'update', name: string, desired: TDesired, existing?: TExisting) => SampleAction,
): SampleAction[] {
  const byName = new Map(existing.map((item) => [item.name, item]));
  if (state === 'Unmanaged') return [];
  if (state === 'Removed') {
    // Every managed sample goes, catalog or not; skipped ones are labelled "false" and stay.
    return existing.filter((item) => item.labels[SAMPLES_MANAGED_LABEL] === 'true').map((item) => ({ action: 'delete', kind, name: item.name }));
  }
  const actions: SampleAction[] = [];
  const skip = new Set(skipped);
  for (const name of catalogNames) {
    const current = byName.get(name);
    if (skip.has(name)) {
      if (current && current.labels[SAMPLES_MANAGED_LABEL] === 'true') actions.push({ action: 'unmanage', kind, name });
      continue;
    }
    const wanted = desired(name);
    if (!current) actions.push(upsert('create', name, wanted));
    else if (drifted(wanted, current)) actions.push(upsert('update', name, wanted, current));
  }
  return actions;
}

/**
 * The actions for one reconcile (reference §6.3, §6.5):
 * - Managed: every catalog sample not skipped is created when missing and re-applied when it
 *   differs from the catalog (user edits are reverted); a skipped one that is still labelled
 *   managed gets `managed: "false"` and is otherwise left alone (never created, updated or deleted).
 * - Removed: every sample labelled managed `"true"` is deleted.
 * - Unmanaged: nothing.
 * Streams come before templates, and creations before updates, in catalog order.
 */
export function planSamples(input: PlanInput): SampleAction[] {
  const { catalog, intent, target } = input;
  const streams = new Map(catalog.imageStreams.map((stream) => [stream.metadata.name, stream]));
  const templates = new Map(catalog.templates.map((template) => [template.metadata.name, template]));
  return [
    ...planKind<DesiredImageStream, ExistingImageStream>(
      'ImageStream',
      intent.state,
      [...streams.keys()],
      intent.skippedImagestreams,
      input.imageStreams,
      (name) => desiredImageStream(streams.get(name) as CatalogImageStream, intent, target),
      imageStreamDrifted,
      (action, name, desired, existing) => ({ action, kind: 'ImageStream', name, imageStream: existing ? mergedImageStream(desired, existing) : desired }),
    ),
    ...planKind<Record<string, unknown>, ExistingTemplate>(
      'Template',
      intent.state,
      [...templates.keys()],
      intent.skippedTemplates,
      input.templates,
      (name) => desiredTemplate(templates.get(name) as CatalogTemplate, target),
      templateDrifted,
      (action, name, template) => ({ action, kind: 'Template', name, template }),
    ),
  ];
}

export interface ImportFailure {
  imageStream: string;
  /** Tag → the failed import's message. */
  tags: Record<string, string>;
}

/**
 * Managed catalog streams whose latest import of a spec tag failed (an `ImportSuccess=False`
 * condition for that tag's current spec generation), in catalog order. A failure recorded for an
 * older spec of the tag (the import of its new `from` has not finished) does not count.
 */
export function importFailures(catalog: SamplesCatalog, intent: SamplesIntent, imageStreams: readonly ExistingImageStream[]): ImportFailure[] {
  if (intent.state !== 'Managed') return [];
  const skipped = new Set(intent.skippedImagestreams);
  const byName = new Map(imageStreams.map((stream) => [stream.name, stream]));
  const failures: ImportFailure[] = [];
  for (const { metadata } of catalog.imageStreams) {
    const stream = byName.get(metadata.name);
    if (!stream || skipped.has(metadata.name) || stream.labels[SAMPLES_MANAGED_LABEL] !== 'true') continue;
    const specGeneration = new Map((stream.spec.tags ?? []).map((tag) => [tag.name, tag.generation ?? 0]));
    const tags: Record<string, string> = {};
    for (const status of stream.status?.tags ?? []) {
      if (!specGeneration.has(status.tag)) continue;
      const failed = status.conditions?.find((condition) => condition.type === 'ImportSuccess' && condition.status === 'False');
      if (failed && (failed.generation ?? 0) >= (specGeneration.get(status.tag) ?? 0)) tags[status.tag] = failed.message || failed.reason || 'import failed';
    }
    if (Object.keys(tags).length > 0) failures.push({ imageStream: metadata.name, tags });
  }
  return failures;
}
