import {
  parseImageStreamTagName,
  type BuildConfig,
  type BuildRequest,
  type BuildTriggerCause,
  type DeploymentCause,
  type DeploymentConfig,
  type DeploymentTriggerImageChangeParams,
  type ImageChangeTriggerStatus,
  type KubernetesObject,
  type ObjectReference,
  type TagResolver,
} from './openshift-workloads';
import { parseTriggersAnnotation, podSpecPathFor, TRIGGER_ANNOTATION_KEY } from './triggers-annotation';

/**
 * ImageChange triggers of BuildConfigs and DeploymentConfigs (image-api.md §7.2–7.4).
 *
 * Common rule: a trigger resolves its ImageStreamTag (namespace defaults to the object's) with
 * the caller's `TagResolver` and fires only when the resolved pull spec differs from what the
 * object already recorded. Comparison is by pull-spec string, so a referencePolicy switch fires
 * while re-importing the same digest does not. Unresolvable tags are skipped silently, except
 * that a DeploymentConfig waits until every automatic trigger can be resolved.
 */

export const IMAGE_CHANGE_BUILD_MESSAGE = 'Image change';

export interface WatchedImageStreamTag {
  namespace: string;
  stream: string;
  tag: string;
}

export type BuildConfigNotFiredReason = 'no image change triggers' | 'paused' | 'not resolvable' | 'up to date';

export type BuildConfigImageChangeResult =
  | { fire: false; reason: BuildConfigNotFiredReason }
  | {
      fire: true;
      /** One request for all firing triggers of the BuildConfig. */
      request: BuildRequest;
      /** The complete new `status.imageChangeTriggers`, one entry per watched tag in spec order. */
      imageChangeTriggers: ImageChangeTriggerStatus[];
    };

interface EffectiveBuildTrigger {
  /** `<namespace>/<stream>:<tag>` */
  key: string;
  from: { kind: 'ImageStreamTag'; namespace: string; name: string };
  /** `from` was omitted and the strategy's builder image is used. */
  fromStrategy: boolean;
  paused: boolean;
  specLastTriggeredImageID?: string;
}

/**
 * Evaluates the ImageChange triggers of one BuildConfig (§7.3):
 * - `from` omitted → the strategy's builder image (`spec.strategy.{source,docker,custom}Strategy.from`);
 *   triggers whose source is not an ImageStreamTag do not count;
 * - paused triggers never fire;
 * - a trigger fires when the resolved pull spec differs from its `status.imageChangeTriggers[]`
 *   entry and from the deprecated `spec.triggers[].imageChange.lastTriggeredImageID`;
 * - all firing triggers merge into one BuildRequest: `triggeredByImage` and `from` come from the
 *   first firing trigger, and there is one `Image change` cause per distinct tag.
 *
 * `now` stamps `lastTriggerTime` of the entries whose trigger fired; without it the field keeps
 * its old value (the function stays deterministic).
 */
export function buildConfigImageChanges(buildConfig: BuildConfig, resolve: TagResolver, now?: Date): BuildConfigImageChangeResult {
  const triggers = effectiveBuildTriggers(buildConfig);
  if (triggers.length === 0) return { fire: false, reason: 'no image change triggers' };

  const existing = buildConfig.status?.imageChangeTriggers ?? [];
  const resolved = new Map<string, string | undefined>();
  const resolveOnce = (t: EffectiveBuildTrigger) => {
    if (!resolved.has(t.key)) resolved.set(t.key, resolve({ namespace: t.from.namespace, name: t.from.name }));
    return resolved.get(t.key);
  };

  const fired = new Map<string, string>();
  const current = new Map<string, string>();
  let request: BuildRequest | undefined;
  let anyUnpaused = false;
  for (const trigger of triggers) {
    if (trigger.paused) continue;
    anyUnpaused = true;
    const image = resolveOnce(trigger);
    if (image === undefined) continue;
    current.set(trigger.key, image);
    if (fired.has(trigger.key)) continue;
    const lastInStatus = statusEntryFor(existing, trigger, buildConfig.metadata.namespace)?.lastTriggeredImageID;
    if (image === lastInStatus || image === trigger.specLastTriggeredImageID) continue;

    fired.set(trigger.key, image);
    const fromRef: ObjectReference = { ...trigger.from };
    request ??= {
      kind: 'BuildRequest',
      apiVersion: 'build.openshift.io/v1',
      metadata: { name: buildConfig.metadata.name ?? '', namespace: buildConfig.metadata.namespace ?? '' },
      triggeredByImage: { kind: 'DockerImage', name: image },
      from: fromRef,
      triggeredBy: [],
    };
    const cause: BuildTriggerCause = { message: IMAGE_CHANGE_BUILD_MESSAGE, imageChangeBuild: { imageID: image, fromRef: { ...fromRef } } };
    request.triggeredBy.push(cause);
  }

  if (!request) {
    if (!anyUnpaused) return { fire: false, reason: 'paused' };
    return { fire: false, reason: current.size === 0 ? 'not resolvable' : 'up to date' };
  }

  // A started build records the image of every watched tag it saw (the API's documented
  // meaning of lastTriggeredImageID); lastTriggerTime moves only for the tags that fired.
  const statuses: ImageChangeTriggerStatus[] = [];
  const seen = new Set<string>();
  for (const trigger of triggers) {
    if (seen.has(trigger.key)) continue;
    seen.add(trigger.key);
    const old = statusEntryFor(existing, trigger, buildConfig.metadata.namespace);
    const image = current.get(trigger.key) ?? old?.lastTriggeredImageID;
    const time = fired.has(trigger.key) && now ? now.toISOString() : old?.lastTriggerTime;
    statuses.push({
      ...(image !== undefined ? { lastTriggeredImageID: image } : {}),
      from: { namespace: trigger.from.namespace, name: trigger.from.name },
      ...(time !== undefined ? { lastTriggerTime: time } : {}),
    });
  }
  return { fire: true, request, imageChangeTriggers: statuses };
}

export type DeploymentConfigNotFiredReason = 'no image change triggers' | 'paused' | 'not resolvable' | 'up to date';

export type DeploymentConfigImageChangeResult =
  | {
      fire: false;
      reason: DeploymentConfigNotFiredReason;
      /** For `not resolvable`: the `<namespace>/<stream>:<tag>` of each automatic trigger that blocks. */
      unresolved?: string[];
    }
  | {
      fire: true;
      updatedDc: DeploymentConfig;
      /** `status.latestVersion` was bumped and `status.details` names the image-change causes. */
      rollout: boolean;
    };

/**
 * Evaluates the ImageChange triggers of one DeploymentConfig (§7.4):
 * - `automatic` other than `true` is treated as paused;
 * - if any automatic trigger cannot be resolved and has no `lastTriggeredImage`, the DC is left
 *   alone (no first deployment until every image trigger resolves);
 * - an unresolvable trigger that has a `lastTriggeredImage` keeps using it;
 * - otherwise each automatic trigger records `lastTriggeredImage := resolved` and every
 *   container and init container named in `containerNames` gets that image.
 *
 * `fire: true` means the DC needs updating. It rolls out (`status.latestVersion + 1` and
 * `status.details = {message: 'image change', causes: [{type: 'ImageChange', imageTrigger: {from:
 * {kind: 'DockerImage', name}}}]}`) when a container image changed, or when the DC has never
 * deployed (latestVersion 0) and its triggers have just been resolved for the first time.
 * Recording a `lastTriggeredImage` that the containers already carry is an update without a
 * rollout. The input is never mutated.
 */
export function deploymentConfigImageChanges(dc: DeploymentConfig, resolve: TagResolver): DeploymentConfigImageChangeResult {
  // Work on a copy from the start; it is returned only if something changed.
  const updated = structuredClone(dc);
  const imageTriggers = (updated.spec.triggers ?? [])
    .map((trigger) => trigger.imageChangeParams)
    .filter((params): params is DeploymentTriggerImageChangeParams => !!params && isImageStreamTagRef(params.from));
  if (imageTriggers.length === 0) return { fire: false, reason: 'no image change triggers' };
  const automatic = imageTriggers.filter((params) => params.automatic === true);
  if (automatic.length === 0) return { fire: false, reason: 'paused' };

  const namespace = dc.metadata.namespace ?? '';
  const images: { params: DeploymentTriggerImageChangeParams; image: string }[] = [];
  const unresolved: string[] = [];
  for (const params of automatic) {
    const ref = { namespace: params.from.namespace || namespace, name: params.from.name ?? '' };
    const image = resolve(ref) ?? (params.lastTriggeredImage || undefined);
    if (image === undefined) unresolved.push(`${ref.namespace}/${ref.name}`);
    else images.push({ params, image });
  }
  if (unresolved.length > 0) return { fire: false, reason: 'not resolvable', unresolved };

  const podSpec = updated.spec.template?.spec;
  let changed = false;
  const containerCauses: DeploymentCause[] = [];
  const recordCauses: DeploymentCause[] = [];
  for (const { params, image } of images) {
    const cause: DeploymentCause = { type: 'ImageChange', imageTrigger: { from: { kind: 'DockerImage', name: image } } };
    if (params.lastTriggeredImage !== image) {
      params.lastTriggeredImage = image;
      changed = true;
      recordCauses.push(cause);
    }
    const names = params.containerNames ?? [];
    let containerChanged = false;
    for (const container of [...(podSpec?.initContainers ?? []), ...(podSpec?.containers ?? [])]) {
      if (!names.includes(container.name) || container.image === image) continue;
      container.image = image;
      containerChanged = true;
    }
    if (containerChanged) {
      changed = true;
      containerCauses.push(cause);
    }
  }
  if (!changed) return { fire: false, reason: 'up to date' };

  const latestVersion = dc.status?.latestVersion ?? 0;
  const causes = containerCauses.length > 0 ? containerCauses : latestVersion === 0 ? recordCauses : [];
  if (causes.length === 0) return { fire: true, updatedDc: updated, rollout: false };
  updated.status = {
    ...(updated.status ?? {}),
    latestVersion: latestVersion + 1,
    details: { message: 'image change', causes },
  };
  return { fire: true, updatedDc: updated, rollout: true };
}

/**
 * The ImageStreamTags an object's unpaused image triggers follow, for indexing: when one of
 * them moves, the object must be re-evaluated. Works for BuildConfigs, DeploymentConfigs and
 * any kind that can carry the triggers annotation (an invalid annotation watches nothing; its
 * errors come from `parseTriggersAnnotation`). Paused triggers are left out: un-pausing is an
 * update of the object, which re-indexes it anyway. Deduplicated, in trigger order.
 */
export function watchedImageStreamTags(object: KubernetesObject | BuildConfig | DeploymentConfig): WatchedImageStreamTag[] {
  const namespace = object.metadata?.namespace ?? '';
  const refs: { namespace: string; name: string }[] = [];
  if (object.kind === 'BuildConfig') {
    for (const t of effectiveBuildTriggers(object as BuildConfig)) if (!t.paused) refs.push(t.from);
  } else if (object.kind === 'DeploymentConfig') {
    for (const t of (object as DeploymentConfig).spec?.triggers ?? []) {
      const params = t.imageChangeParams;
      if (!params || params.automatic !== true || !isImageStreamTagRef(params.from)) continue;
      refs.push({ namespace: params.from.namespace || namespace, name: params.from.name ?? '' });
    }
  } else if (podSpecPathFor(object.kind) !== undefined) {
    const parsed = parseTriggersAnnotation(object.metadata?.annotations?.[TRIGGER_ANNOTATION_KEY]);
    if ('triggers' in parsed) {
      for (const t of parsed.triggers) if (!t.paused) refs.push({ namespace: t.from.namespace || namespace, name: t.from.name });
    }
  }

  const seen = new Set<string>();
  const watched: WatchedImageStreamTag[] = [];
  for (const ref of refs) {
    const parts = parseImageStreamTagName(ref.name);
    const key = `${ref.namespace}/${ref.name}`;
    if (!parts || seen.has(key)) continue;
    seen.add(key);
    watched.push({ namespace: ref.namespace, stream: parts.stream, tag: parts.tag });
  }
  return watched;
}

/** The builder image of the strategy (`GetInputReference`): source, docker or custom strategy `from`. */
export function builderImageReference(buildConfig: BuildConfig): ObjectReference | undefined {
  const strategy = buildConfig.spec?.strategy;
  return strategy?.sourceStrategy?.from ?? strategy?.dockerStrategy?.from ?? strategy?.customStrategy?.from;
}

function effectiveBuildTriggers(buildConfig: BuildConfig): EffectiveBuildTrigger[] {
  const namespace = buildConfig.metadata?.namespace ?? '';
  const result: EffectiveBuildTrigger[] = [];
  for (const policy of buildConfig.spec?.triggers ?? []) {
    // OpenShift defaults `{type: ImageChange}` without `imageChange` to `imageChange: {}` (the
    // strategy's builder image); its own sample templates are written that way.
    const imageChange = policy.imageChange ?? (policy.type === 'ImageChange' ? {} : undefined);
    if (!imageChange) continue;
    const fromStrategy = imageChange.from === undefined || imageChange.from === null;
    const from = fromStrategy ? builderImageReference(buildConfig) : imageChange.from;
    if (!isImageStreamTagRef(from)) continue;
    const ref = { kind: 'ImageStreamTag' as const, namespace: from.namespace || namespace, name: from.name as string };
    result.push({
      key: `${ref.namespace}/${ref.name}`,
      from: ref,
      fromStrategy,
      paused: imageChange.paused === true,
      ...(imageChange.lastTriggeredImageID ? { specLastTriggeredImageID: imageChange.lastTriggeredImageID } : {}),
    });
  }
  return result;
}

// OpenShift writes status entries of strategy-image triggers without `from`; those match too.
function statusEntryFor(
  entries: readonly ImageChangeTriggerStatus[],
  trigger: EffectiveBuildTrigger,
  bcNamespace: string | undefined,
): ImageChangeTriggerStatus | undefined {
  const byFrom = entries.find(
    (e) => e.from?.name === trigger.from.name && (e.from?.namespace || bcNamespace || '') === trigger.from.namespace,
  );
  if (byFrom || !trigger.fromStrategy) return byFrom;
  return entries.find((e) => !e.from?.name);
}

function isImageStreamTagRef(ref: ObjectReference | undefined | null): ref is ObjectReference & { name: string } {
  return !!ref && ref.kind === 'ImageStreamTag' && typeof ref.name === 'string' && ref.name !== '';
}
