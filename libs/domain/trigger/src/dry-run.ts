import { buildConfigImageChanges, deploymentConfigImageChanges, watchedImageStreamTags } from './image-change-triggers';
import type { BuildConfig, BuildRequest, DeploymentCause, DeploymentConfig, KubernetesObject, TagResolver } from './openshift-workloads';
import { matchesSubscription, type SubscriptionMatchInput } from './subscription-filter';
import { evaluateAnnotationTriggers } from './triggers-annotation';

/**
 * "What would fire if this tag moved here?": evaluates a hypothetical tag move against
 * webhook subscriptions and the image triggers of BuildConfigs, DeploymentConfigs and annotated
 * objects, with the same rules the live paths use, and without side effects.
 *
 * Only objects that watch the moved tag are evaluated, so an object that is merely out of date
 * on some other tag is not reported as firing because of this move. Other tags resolve through
 * `resolveOthers` (the current state; by default nothing resolves, which can hold back a
 * DeploymentConfig whose other triggers were never resolved, exactly as it would live).
 */
export const TAG_CHANGED_EVENT_TYPE = 'io.imagestreams.tag.changed.v1';

export interface HypotheticalTagMove {
  namespace: string;
  stream: string;
  tag: string;
  /** The pull spec the tag would resolve to (after referencePolicy). */
  newPullSpec: string;
}

export interface DryRunSubscription extends SubscriptionMatchInput {
  name: string;
  paused?: boolean;
}

export interface DryRunInput {
  subscriptions?: readonly DryRunSubscription[];
  buildConfigs?: readonly BuildConfig[];
  deploymentConfigs?: readonly DeploymentConfig[];
  /** Deployments, StatefulSets, CronJobs, ... carrying `image.openshift.io/triggers`. */
  annotatedObjects?: readonly KubernetesObject[];
  resolveOthers?: TagResolver;
}

export interface DryRunObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface DryRunResult {
  /** Subscriptions that would get a `tag.changed` delivery. */
  webhooks: { name: string }[];
  builds: (DryRunObjectRef & { request: BuildRequest })[];
  deployments: (DryRunObjectRef & { rollout: boolean; latestVersion: number; causes: DeploymentCause[] })[];
  /** Annotated objects whose container images would be updated, with the updated field paths. */
  updatedObjects: (DryRunObjectRef & { fieldPaths: string[] })[];
  /** Watchers of the tag that would not fire, and why (paused, up to date, invalid, ...). */
  notFiring: (DryRunObjectRef & { reason: string })[];
}

export function dryRunTagMove(move: HypotheticalTagMove, input: DryRunInput): DryRunResult {
  const movedName = `${move.stream}:${move.tag}`;
  const resolve: TagResolver = (ref) =>
    ref.namespace === move.namespace && ref.name === movedName ? move.newPullSpec : input.resolveOthers?.(ref);
  const watchesMove = (object: KubernetesObject) =>
    watchedImageStreamTags(object).some((w) => w.namespace === move.namespace && w.stream === move.stream && w.tag === move.tag);

  const result: DryRunResult = { webhooks: [], builds: [], deployments: [], updatedObjects: [], notFiring: [] };

  const event = { type: TAG_CHANGED_EVENT_TYPE, namespace: move.namespace, imageStream: move.stream, tag: move.tag };
  for (const subscription of input.subscriptions ?? []) {
    if (!matchesSubscription(subscription, event)) continue;
    if (subscription.paused) {
      result.notFiring.push({ kind: 'WebhookSubscription', namespace: subscription.namespace, name: subscription.name, reason: 'paused' });
    } else {
      result.webhooks.push({ name: subscription.name });
    }
  }

  for (const bc of input.buildConfigs ?? []) {
    const ref = objectRef(bc, 'BuildConfig');
    if (!watchesMove({ ...bc, kind: 'BuildConfig' })) continue;
    const outcome = buildConfigImageChanges(bc, resolve);
    if (outcome.fire) result.builds.push({ ...ref, request: outcome.request });
    else result.notFiring.push({ ...ref, reason: outcome.reason });
  }

  for (const dc of input.deploymentConfigs ?? []) {
    const ref = objectRef(dc, 'DeploymentConfig');
    if (!watchesMove({ ...dc, kind: 'DeploymentConfig' })) continue;
    const outcome = deploymentConfigImageChanges(dc, resolve);
    if (outcome.fire) {
      result.deployments.push({
        ...ref,
        rollout: outcome.rollout,
        latestVersion: outcome.updatedDc.status?.latestVersion ?? 0,
        causes: outcome.rollout ? (outcome.updatedDc.status?.details?.causes ?? []) : [],
      });
    } else {
      const unresolved = outcome.unresolved?.length ? ` (${outcome.unresolved.join(', ')})` : '';
      result.notFiring.push({ ...ref, reason: `${outcome.reason}${unresolved}` });
    }
  }

  for (const object of input.annotatedObjects ?? []) {
    const ref = objectRef(object, object.kind ?? '');
    if (!watchesMove(object)) continue;
    const outcome = evaluateAnnotationTriggers(object, resolve);
    if ('errors' in outcome) {
      result.notFiring.push({ ...ref, reason: `invalid triggers: ${outcome.errors.join('; ')}` });
    } else if (outcome.changed) {
      result.updatedObjects.push({ ...ref, fieldPaths: outcome.fired.map((f) => f.fieldPath) });
    } else {
      result.notFiring.push({ ...ref, reason: 'up to date' });
    }
  }
  return result;
}

function objectRef(object: KubernetesObject, kind: string): DryRunObjectRef {
  return { kind, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
}
