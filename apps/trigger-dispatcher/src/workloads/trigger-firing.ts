import { Injectable, Logger } from '@nestjs/common';
import {
  createCloudEvent,
  ImageStreamRequests,
  StatusError,
  TriggerFired,
  workloadKind,
  type StoredObject,
  type TriggerFiredV1,
} from '@imagestreams/contracts';
import {
  buildConfigImageChanges,
  deploymentConfigImageChanges,
  evaluateAnnotationTriggers,
  watchedImageStreamTags,
  type BuildConfig,
  type DeploymentConfig,
  type KubernetesObject,
  type WatchedImageStreamTag,
} from '@imagestreams/domain-trigger';
import { appendToOutbox, OutboxRelay, OwnerClient } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import { TRIGGER_DISPATCHER_SOURCE } from '../deliveries/subscription-events';
import { BuildRecords } from './build-records';
import { WorkloadRepository, type WorkloadRow } from './workload.repository';

/** Pull specs of watched tags, `<namespace>/<stream>:<tag>` → resolved pull spec (absent = does not resolve). */
export type ResolvedTags = Map<string, string>;

const tagKey = (tag: WatchedImageStreamTag) => `${tag.namespace}/${tag.stream}:${tag.tag}`;

/**
 * Keeps image triggers live: when a watched tag resolves to a new pull spec, BuildConfigs get a
 * Build record (phase New, for an external builder; see BuildRecords), DeploymentConfigs roll out (new containers'
 * image, `status.latestVersion` + 1), annotated workloads get the image at their `fieldPath`; each
 * firing is a `trigger.fired` event in the same transaction. Comparing pull specs (not digests),
 * as OpenShift does, makes re-evaluation idempotent: a redelivered event or a re-import of the
 * same image fires nothing.
 */
@Injectable()
export class TriggerFiring {
  private readonly logger = new Logger('TriggerFiring');

  constructor(
    private readonly workloads: WorkloadRepository,
    private readonly owners: OwnerClient,
    private readonly relay: OutboxRelay,
    private readonly builds: BuildRecords,
  ) {}

  /** A tag moved: every object watching it is evaluated, the moved tag resolving to `pullSpec`. */
  async onTagMoved(moved: WatchedImageStreamTag, pullSpec: string, actor: string): Promise<void> {
    if (!(await this.workloads.anyWatching(moved))) return;
    let fired = 0;
    await this.workloads.transaction(async (manager) => {
      fired = 0; // counted again when a deadlock makes the transaction run again
      const rows = await this.workloads.watching(manager, moved);
      for (const row of rows) {
        const resolved = await this.resolve(watchedImageStreamTags(row.body as KubernetesObject), new Map([[tagKey(moved), pullSpec]]));
        fired += await this.evaluate(manager, row, resolved, actor, moved);
      }
    });
    if (fired > 0) this.relay.kick();
  }

  /** The current pull spec of each watched tag, asking stream-service for those not already known. */
  async resolve(tags: WatchedImageStreamTag[], known: ResolvedTags = new Map()): Promise<ResolvedTags> {
    const resolved = new Map(known);
    for (const tag of tags) {
      if (resolved.has(tagKey(tag))) continue;
      try {
        const istag = await this.owners.request(ImageStreamRequests.getTag, { namespace: tag.namespace, name: `${tag.stream}:${tag.tag}` });
        if (istag.image?.dockerImageReference) resolved.set(tagKey(tag), istag.image.dockerImageReference);
      } catch (error) {
        // A tag that does not exist (yet) does not resolve; anything else must not be mistaken for that.
        if (!(error instanceof StatusError && error.status.code === 404)) throw error;
      }
    }
    return resolved;
  }

  /**
   * Applies whatever the object's triggers say for these pull specs, in `manager`'s transaction.
   * Returns how many trigger.fired events were written. `cause` names the watched tag that moved;
   * without it (creation: the initial trigger) the first resolved watched tag is named.
   */
  async evaluate(manager: EntityManager, row: WorkloadRow, resolved: ResolvedTags, actor: string, cause?: WatchedImageStreamTag): Promise<number> {
    const resolver = (ref: { namespace: string; name: string }) => resolved.get(`${ref.namespace}/${ref.name}`);
    const watched = watchedImageStreamTags(row.body as KubernetesObject);
    const named = cause ?? watched.find((tag) => resolved.has(tagKey(tag)));
    if (!named) return 0;
    const image = resolved.get(tagKey(named)) as string;
    const events: TriggerFiredV1[] = [];
    const base = { namespace: row.namespace, imageStream: named.stream, tag: named.tag, ...(named.namespace === row.namespace ? {} : { imageStreamNamespace: named.namespace }), image, actor };
    const object = { apiVersion: row.body.apiVersion, kind: row.kind, name: row.name };

    if (row.kind === 'DeploymentConfig') {
      const result = deploymentConfigImageChanges(row.body as unknown as DeploymentConfig, resolver);
      if (!result.fire) return 0;
      const body = await this.stamp(manager, result.updatedDc as unknown as StoredObject);
      await this.workloads.replace(manager, row.uid, body, undefined);
      if (result.rollout) events.push({ ...base, object, action: 'rollout', latestVersion: String((body.status as { latestVersion?: number }).latestVersion ?? 0) });
    } else if (row.kind === 'BuildConfig') {
      const result = buildConfigImageChanges(row.body as unknown as BuildConfig, resolver, new Date());
      if (!result.fire) return 0;
      const build = await this.builds.create(manager, row, result.request, actor, { imageChangeTriggers: result.imageChangeTriggers });
      events.push({ ...base, image: result.request.triggeredByImage?.name ?? image, object, action: 'build', build: build.metadata.name });
    } else {
      const result = evaluateAnnotationTriggers(row.body as unknown as KubernetesObject, resolver);
      if ('errors' in result) {
        this.logger.warn(`${row.kind} ${row.namespace}/${row.name}: triggers not evaluated: ${result.errors.join('; ')}`);
        return 0;
      }
      if (!result.changed) return 0;
      const updated = result.object as unknown as StoredObject;
      const body = await this.stamp(manager, { ...updated, metadata: { ...updated.metadata, generation: (updated.metadata.generation ?? 1) + 1 } });
      await this.workloads.replace(manager, row.uid, body, undefined);
      const fired = result.fired.find((f) => f.from.namespace === named.namespace && f.from.name === `${named.stream}:${named.tag}`) ?? result.fired[0];
      events.push({ ...base, image: fired?.image ?? image, object, action: 'update' });
    }

    const kind = workloadKind(row.kind);
    await appendToOutbox(
      manager,
      events.map((data) => ({
        subject: TriggerFired.subject,
        event: createCloudEvent({ type: TriggerFired.type, source: TRIGGER_DISPATCHER_SOURCE, subject: `namespaces/${row.namespace}/${kind?.resource ?? row.kind}/${row.name}`, data }),
      })),
    );
    return events.length;
  }

  private async stamp(manager: EntityManager, body: StoredObject): Promise<StoredObject> {
    return { ...body, metadata: { ...body.metadata, resourceVersion: await this.workloads.nextResourceVersion(manager) } };
  }
}
