import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  apiVersionOf,
  Statuses,
  StatusError,
  successStatus,
  TriggerRequests,
  WorkloadListRequest,
  WorkloadRequest,
  workloadKind,
  WriteWorkloadCommand,
  type List,
  type Status,
  type StoredObject,
  type WorkloadKind,
} from '@imagestreams/contracts';
import { watchedImageStreamTags, type KubernetesObject } from '@imagestreams/domain-trigger';
import { OnRequest, OutboxRelay } from '@imagestreams/platform-messaging';
import { TriggerFiring } from './trigger-firing';
import { workloadProblems } from './workload-validation';
import { WorkloadRepository, type WorkloadRow } from './workload.repository';

const ANONYMOUS = 'system:anonymous';

/** CRUD of objects with image triggers. Creating or replacing one evaluates its triggers at once (OpenShift's initial trigger). */
@Controller()
export class WorkloadsRequests {
  constructor(
    private readonly workloads: WorkloadRepository,
    private readonly firing: TriggerFiring,
    private readonly relay: OutboxRelay,
  ) {}

  @OnRequest(TriggerRequests.createWorkload)
  async create(@Payload() command: WriteWorkloadCommand): Promise<StoredObject> {
    const kind = this.kind(command.kind);
    const body = this.validated(kind, command.namespace, command.object);
    const watches = watchedImageStreamTags(body as unknown as KubernetesObject);
    const resolved = await this.firing.resolve(watches);
    let fired = 0;
    const row = await this.workloads.transaction(async (manager) => {
      const uid = randomUUID();
      const stamped: StoredObject = {
        ...body,
        metadata: { ...body.metadata, uid, resourceVersion: await this.workloads.nextResourceVersion(manager), creationTimestamp: new Date().toISOString(), generation: 1 },
      };
      const inserted = await this.workloads.insert(manager, { uid, namespace: command.namespace, kind: kind.kind, name: body.metadata.name, body: stamped }, watches);
      if (!inserted) throw new StatusError(Statuses.alreadyExists(kind, body.metadata.name));
      fired = await this.firing.evaluate(manager, inserted, resolved, command.actor ?? ANONYMOUS);
      return (await this.workloads.find(command.namespace, kind.kind, inserted.name, manager)) as WorkloadRow;
    });
    if (fired) this.relay.kick();
    return row.body;
  }

  /** PUT: optimistic concurrency on `metadata.resourceVersion`; BuildConfig and DeploymentConfig status stays the server's. */
  @OnRequest(TriggerRequests.replaceWorkload)
  async replace(@Payload() command: WriteWorkloadCommand): Promise<StoredObject> {
    const kind = this.kind(command.kind);
    const body = this.validated(kind, command.namespace, command.object);
    if (command.name !== undefined && body.metadata.name !== command.name) throw new StatusError(Statuses.badRequest('the name of the object does not match the name on the URL'));
    const watches = watchedImageStreamTags(body as unknown as KubernetesObject);
    const resolved = await this.firing.resolve(watches);
    let fired = 0;
    const row = await this.workloads.transaction(async (manager) => {
      const current = await this.workloads.find(command.namespace, kind.kind, body.metadata.name, manager, true);
      if (!current) throw new StatusError(Statuses.notFound(kind, body.metadata.name));
      const expected = body.metadata.resourceVersion;
      if (expected !== undefined && expected !== '' && expected !== String(current.resource_version)) throw new StatusError(Statuses.conflict(kind, body.metadata.name));
      const keepsStatus = kind.kind === 'BuildConfig' || kind.kind === 'DeploymentConfig';
      const replaced: StoredObject = {
        ...body,
        ...(keepsStatus && current.body.status ? { status: current.body.status } : {}),
        metadata: {
          ...body.metadata,
          uid: current.uid,
          creationTimestamp: current.created_at.toISOString(),
          resourceVersion: await this.workloads.nextResourceVersion(manager),
          generation: (current.body.metadata.generation ?? 1) + (JSON.stringify(body.spec) === JSON.stringify(current.body.spec) ? 0 : 1),
        },
      };
      const updated = await this.workloads.replace(manager, current.uid, replaced, watches);
      fired = await this.firing.evaluate(manager, updated, resolved, command.actor ?? ANONYMOUS);
      return (await this.workloads.find(command.namespace, kind.kind, updated.name, manager)) as WorkloadRow;
    });
    if (fired) this.relay.kick();
    return row.body;
  }

  @OnRequest(TriggerRequests.getWorkload)
  async get(@Payload() query: WorkloadRequest): Promise<StoredObject> {
    const kind = this.kind(query.kind);
    const row = await this.workloads.find(query.namespace, kind.kind, query.name);
    if (!row) throw new StatusError(Statuses.notFound(kind, query.name));
    return row.body;
  }

  @OnRequest(TriggerRequests.listWorkloads)
  async list(@Payload() query: WorkloadListRequest): Promise<List<StoredObject>> {
    const kind = this.kind(query.kind);
    const [rows, resourceVersion] = await Promise.all([this.workloads.list(kind.kind, query.namespace), this.workloads.currentResourceVersion()]);
    return { kind: `${kind.kind}List`, apiVersion: apiVersionOf(kind), metadata: { resourceVersion }, items: rows.map((row) => row.body) };
  }

  @OnRequest(TriggerRequests.deleteWorkload)
  async delete(@Payload() query: WorkloadRequest): Promise<Status> {
    const kind = this.kind(query.kind);
    if (!(await this.workloads.delete(query.namespace, kind.kind, query.name))) throw new StatusError(Statuses.notFound(kind, query.name));
    return successStatus(200, { name: query.name, group: kind.group, kind: kind.resource });
  }

  private kind(name: string): WorkloadKind {
    const kind = workloadKind(name);
    if (!kind) throw new StatusError(Statuses.badRequest(`unknown kind ${name}`));
    return kind;
  }

  /** The object as it will be stored: validated, namespace and type fields filled in from the request. */
  private validated(kind: WorkloadKind, namespace: string, object: Record<string, unknown>): StoredObject {
    const metadata = (object['metadata'] ?? {}) as Record<string, unknown>;
    if (typeof metadata === 'object' && metadata !== null && typeof metadata['namespace'] === 'string' && metadata['namespace'] !== '' && metadata['namespace'] !== namespace) {
      throw new StatusError(Statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
    }
    const causes = workloadProblems(kind, object);
    const name = typeof metadata['name'] === 'string' ? metadata['name'] : '';
    if (causes.length) throw new StatusError(Statuses.invalid(kind, name, causes));
    return { ...object, apiVersion: apiVersionOf(kind), kind: kind.kind, metadata: { ...(object['metadata'] as StoredObject['metadata']), name, namespace } } as StoredObject;
  }
}
