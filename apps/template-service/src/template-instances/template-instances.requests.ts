import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  CreateTemplateInstanceCommand,
  ListTemplateInstancesRequest,
  MAX_PROCESSED_TEMPLATE_BYTES,
  NamespacedNameRequest,
  Statuses,
  StatusError,
  successStatus,
  TEMPLATE_API_VERSION,
  TemplateInstanceRequests,
  TemplateInstanceResource,
  TemplateInstanceObjectRequest,
  type Status,
  type TemplateInstance,
  type TemplateInstanceCreated,
  type TemplateInstanceList,
  type TemplateInstanceObjectRef,
} from '@imagestreams/contracts';
import { processTemplate, type FieldError, type JsonObject, type Template } from '@imagestreams/domain-template';
import { OnRequest, RawJson } from '@imagestreams/platform-messaging';
import { labelSelectorOf } from '../templates/label-selection';
import { decodeContinue, encodeContinue } from '../templates/list-continue';
import { processedSizeBound } from '../templates/processed-size';
import { failedConditions, incomingInstance, INSTANTIATING, instanceView, instantiatingConditions, readyConditions, type IncomingInstance } from './instance-body';
import { objectPath, planObjects, storedJson, type PlannedObject } from './instance-objects';
import { failureMessageOf, instantiateFailureMessage, instantiateObjects, type ObjectFailure } from './instantiation';
import { createdBy, OwnerObjects } from './owner-objects';
import { TemplateInstanceRepository, type InstanceObjectRow, type TemplateInstanceRow } from './template-instance.repository';

const SAVEPOINT = 'template_instance_stored_objects';

function ref(object: Pick<PlannedObject, 'kind' | 'namespace' | 'name' | 'apiVersion'>, uid: string): { ref: TemplateInstanceObjectRef } {
  return { ref: { kind: object.kind, namespace: object.namespace, name: object.name, uid, apiVersion: object.apiVersion } };
}

/** A stored object as the instance's own objects are answered: server metadata first, as Kubernetes orders it. */
function stamped(object: JsonObject, uid: string, resourceVersion: string, now: Date): JsonObject {
  const { name, namespace, ...metadata } = object['metadata'] as JsonObject;
  return { ...object, metadata: { name, namespace, uid, resourceVersion, creationTimestamp: now.toISOString(), ...metadata } };
}

/** A processing error as a TemplateInstance cause: the field paths are OpenShift's processing paths (`template.parameters[i]`, `item[i].objects`). */
function processingFailure(name: string, errors: readonly FieldError[]): StatusError {
  // `FieldValueTypeInvalid` is a Kubernetes cause type the contracts' CauseType does not list yet.
  return new StatusError(Statuses.invalid(TemplateInstanceResource, name, errors.map((error) => ({ reason: error.reason as 'FieldValueInvalid', field: error.field, message: error.message }))));
}

/**
 * `template.openshift.io/v1` TemplateInstances. Creating one instantiates its template before
 * answering: the template is processed (parameter problems are a 422 and nothing is stored), then
 * every object is created in the instance's namespace — ImageStreams by stream-service, objects with
 * image triggers by trigger-dispatcher, everything else stored here — and the instance is answered
 * with `Ready`, or with `InstantiateFailure` after what had been created was deleted again.
 *
 * The instance row and a row per object owned elsewhere are committed first (so deleting an
 * instance whose instantiation stopped half-way still finds its objects); the objects are then
 * created inside one transaction that holds the instance's row lock (a delete of the same instance
 * waits for it) and stores this service's own objects, rolled back to a savepoint on failure.
 */
@Controller()
export class TemplateInstancesRequests {
  constructor(
    private readonly instances: TemplateInstanceRepository,
    private readonly remote: OwnerObjects,
  ) {}

  @OnRequest(TemplateInstanceRequests.create)
  async create(@Payload() command: CreateTemplateInstanceCommand): Promise<TemplateInstanceCreated> {
    const namespace = command.namespace;
    const incoming = incomingInstance(command.templateInstance, namespace, command.actor);
    const existing = await this.instances.find(namespace, incoming.name);
    if (existing) return this.repeated(existing, incoming);

    const parameterValues = incoming.spec.parameters ?? {};
    const bound = processedSizeBound(incoming.template, parameterValues);
    if (bound > MAX_PROCESSED_TEMPLATE_BYTES) throw new StatusError(Statuses.tooLarge(`the processed template could reach ${bound} bytes of JSON, more than the ${MAX_PROCESSED_TEMPLATE_BYTES} it may have`));
    const processed = processTemplate(incoming.template as Template, { parameterValues, namespace });
    if (processed.errors) throw processingFailure(incoming.name, processed.errors);

    const uid = randomUUID();
    const plan = planObjects(processed.template.objects ?? [], namespace, uid);
    if (plan.causes) throw new StatusError(Statuses.invalid(TemplateInstanceResource, incoming.name, plan.causes));
    const objects = plan.objects;
    const remote = objects.filter((object) => object.owner !== 'template-service');

    const row = await this.instances.insertPlanned(
      { uid, namespace, name: incoming.name, labels: incoming.labels, body: incoming.body, specDigest: incoming.specDigest, status: { conditions: instantiatingConditions(new Date()), objects: [] } },
      remote,
    );
    if (!row) {
      // Another create of the same name won the race.
      const winner = await this.instances.find(namespace, incoming.name);
      if (winner) return this.repeated(winner, incoming);
      throw new StatusError(Statuses.conflict(TemplateInstanceResource, incoming.name, 'the TemplateInstance was created and deleted concurrently; try again'));
    }

    const final = await this.instances.transaction(async (manager) => {
      const locked = await this.instances.lock(manager, { uid });
      if (!locked) throw new StatusError(Statuses.conflict(TemplateInstanceResource, incoming.name, 'the TemplateInstance was deleted while it was being instantiated'));
      await manager.query(`SAVEPOINT ${SAVEPOINT}`);
      const now = new Date();
      const stored = objects
        .filter((object) => object.owner === 'template-service')
        .map((object) => {
          const objectUid = randomUUID();
          return { ...object, uid: objectUid, body: storedJson(stamped(object.object, objectUid, String(locked.resource_version), now)) };
        });
      const storeLocal = async (): Promise<ObjectFailure[]> => {
        const inserted = await this.instances.insertStored(manager, uid, stored);
        return stored
          .filter((object) => !inserted.has(object.position))
          .map((object) => ({ position: object.position, kind: object.kind, name: object.name, message: `a ${object.kind} named ${JSON.stringify(object.name)} already exists in namespace ${namespace}` }));
      };
      const outcome = await instantiateObjects(
        objects,
        { create: (object) => this.remote.create(object, command.actor), delete: (object) => this.remote.delete(object), deleteIfCreated: (object) => this.remote.deleteIfCreated(object) },
        storeLocal,
      );

      if (!outcome.failures.length) {
        await this.instances.markCreated(manager, uid, outcome.remaining);
        const storedUids = new Map(stored.map((object) => [object.position, object.uid]));
        const refs = objects.map((object) => ref(object, outcome.remaining.get(object.position) ?? storedUids.get(object.position) ?? ''));
        return this.instances.updateStatus(manager, uid, { conditions: readyConditions(new Date()), objects: refs });
      }
      await manager.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      await this.instances.markCreated(manager, uid, outcome.remaining);
      await this.instances.forget(
        manager,
        uid,
        // Rows stay for what may still exist: created and not deleted (uid known), or of unknown outcome (found again by label).
        remote.filter((object) => !outcome.remaining.has(object.position) && !outcome.unresolved.includes(object.position)).map((object) => object.position),
      );
      const left = remote.filter((object) => outcome.remaining.has(object.position)).map((object) => ref(object, outcome.remaining.get(object.position) as string));
      return this.instances.updateStatus(manager, uid, { conditions: failedConditions(new Date(), instantiateFailureMessage(outcome)), objects: left });
    });
    return { created: true, templateInstance: instanceView(final) };
  }

  /**
   * A create of a name already taken: the same spec is an idempotent repeat, answered with the
   * existing instance — once its instantiation is over when one is running (its row lock is
   * awaited); another spec is 409 AlreadyExists.
   */
  private async repeated(existing: TemplateInstanceRow, incoming: IncomingInstance): Promise<TemplateInstanceCreated> {
    if (existing.spec_digest !== incoming.specDigest) throw new StatusError(Statuses.alreadyExists(TemplateInstanceResource, incoming.name));
    const running = existing.status.conditions.some((condition) => condition.reason === INSTANTIATING);
    const current = running ? ((await this.instances.transaction((manager) => this.instances.lock(manager, { uid: existing.uid }))) ?? existing) : existing;
    return { created: false, templateInstance: instanceView(current) };
  }

  @OnRequest(TemplateInstanceRequests.get)
  async get(@Payload() query: NamespacedNameRequest): Promise<TemplateInstance> {
    return instanceView(await this.found(query));
  }

  /** Kubernetes' List, in (namespace, name) order, `labelSelector` applied; `continue` is the position after the page's last item. */
  @OnRequest(TemplateInstanceRequests.list)
  async list(@Payload() query: ListTemplateInstancesRequest): Promise<TemplateInstanceList> {
    const after = query.continue === undefined ? undefined : decodeContinue(query.continue);
    const selector = labelSelectorOf(query.labelSelector);
    const resourceVersion = await this.instances.listResourceVersion();
    const rows = await this.instances.list({ namespace: query.namespace, selector, after, limit: query.limit });
    const page = query.limit === undefined ? rows : rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const more = query.limit !== undefined && rows.length > query.limit;
    return {
      kind: 'TemplateInstanceList',
      apiVersion: TEMPLATE_API_VERSION,
      metadata: { resourceVersion, ...(more && last ? { continue: encodeContinue({ namespace: last.namespace, name: last.name }) } : {}) },
      items: page.map(instanceView),
    };
  }

  /**
   * Deletes every object the instance created, then the instance. Objects owned elsewhere are
   * deleted through their owners, concurrently; one already gone, or replaced by someone else's
   * object of the same name (another uid, or no owner label naming this instance), is left alone.
   * If an owner fails, nothing of the instance is removed here and the Status says why: deleting
   * again finishes the work.
   */
  @OnRequest(TemplateInstanceRequests.delete)
  async delete(@Payload() query: NamespacedNameRequest): Promise<Status> {
    return this.instances.transaction(async (manager) => {
      const row = await this.instances.lock(manager, { namespace: query.namespace, name: query.name });
      if (!row) throw new StatusError(Statuses.notFound(TemplateInstanceResource, query.name));
      const remote = (await this.instances.objects(row.uid, manager)).filter((object) => object.owner !== 'template-service');
      const results = await Promise.allSettled(remote.map((object) => this.deleteCreated(object, row.uid)));
      const failed = results.findIndex((result) => result.status === 'rejected');
      if (failed >= 0) {
        const reason = (results[failed] as PromiseRejectedResult).reason as unknown;
        const object = remote[failed];
        const status = reason instanceof StatusError ? reason.status : Statuses.internal();
        throw new StatusError({ ...status, message: `deleting ${object.kind} ${JSON.stringify(object.name)} of TemplateInstance ${JSON.stringify(row.name)} failed: ${failureMessageOf(reason)}` });
      }
      await this.instances.delete(manager, row.uid);
      return successStatus(200, { name: row.name, group: TemplateInstanceResource.group, kind: TemplateInstanceResource.resource, uid: row.uid });
    });
  }

  private async deleteCreated(object: InstanceObjectRow, instanceUid: string): Promise<void> {
    const key = { owner: object.owner, kind: object.kind, namespace: object.namespace, name: object.name };
    const found = await this.remote.read(key);
    if (found && createdBy(found, object.uid, instanceUid)) await this.remote.delete(key);
  }

  /**
   * The objects the instance created, in template order: kind, name, owner and the gateway path
   * that reads each; the ones stored here in full. JSON text: stored objects keep big integers exact.
   */
  @OnRequest(TemplateInstanceRequests.listObjects)
  async listObjects(@Payload() query: NamespacedNameRequest): Promise<RawJson> {
    const instance = await this.found(query);
    const rows = (await this.instances.objects(instance.uid)).filter((row) => row.uid !== null);
    const items = rows.map((row) => {
      const entry = JSON.stringify({
        apiVersion: row.api_version,
        kind: row.kind,
        namespace: row.namespace,
        name: row.name,
        uid: row.uid,
        owner: row.owner,
        path: objectPath({ owner: row.owner, apiVersion: row.api_version, kind: row.kind, namespace: row.namespace, name: row.name }, instance.name),
      });
      return row.body === null ? entry : `${entry.slice(0, -1)},"object":${row.body}}`;
    });
    return new RawJson(`{"kind":"TemplateInstanceObjectList","apiVersion":${JSON.stringify(TEMPLATE_API_VERSION)},"metadata":{},"items":[${items.join(',')}]}`);
  }

  /** One object the instance created, by kind and name: a stored one as stored, another as its owner serves it now. */
  @OnRequest(TemplateInstanceRequests.getObject)
  async getObject(@Payload() query: TemplateInstanceObjectRequest): Promise<RawJson> {
    const instance = await this.found(query);
    const row = await this.instances.object(instance.uid, query.kind, query.objectName);
    const missing = () =>
      new StatusError({
        ...Statuses.notFound(TemplateInstanceResource, query.name),
        message: `TemplateInstance ${JSON.stringify(query.name)} has no ${query.kind} named ${JSON.stringify(query.objectName)}`,
      });
    if (!row) throw missing();
    if (row.body !== null) return new RawJson(row.body);
    const found = await this.remote.read({ owner: row.owner, kind: row.kind, namespace: row.namespace, name: row.name });
    if (!found) throw missing();
    return new RawJson(JSON.stringify(found));
  }

  private async found(query: NamespacedNameRequest): Promise<TemplateInstanceRow> {
    const row = await this.instances.find(query.namespace, query.name);
    if (!row) throw new StatusError(Statuses.notFound(TemplateInstanceResource, query.name));
    return row;
  }
}
