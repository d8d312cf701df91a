import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  applyMergePatch,
  BuildListRequest,
  BuildResource,
  ImageRequests,
  NamespacedNameRequest,
  PatchBuildCommand,
  Statuses,
  StatusError,
  TriggerRequests,
  type List,
  type StoredObject,
} from '@imagestreams/contracts';
import { OnRequest, OwnerClient } from '@imagestreams/platform-messaging';
import { WorkloadRepository } from './workload.repository';

const PHASES = ['New', 'Pending', 'Running', 'Complete', 'Failed', 'Error', 'Cancelled'];
const FINAL_PHASES = new Set(['Complete', 'Failed', 'Error', 'Cancelled']);
const DIGEST = /^sha256:[a-f0-9]{64}$/;

interface BuildStatus {
  phase?: string;
  output?: { to?: { imageDigest?: string } };
  outputDockerImageReference?: string;
  [field: string]: unknown;
}

/**
 * Builds are records for an external builder (Tekton, Jenkins, any CI): it learns of them from
 * `trigger.fired` webhooks and reports progress by patching `status`. A Complete build with an
 * output digest moves its `spec.output.to` ImageStreamTag, as OpenShift's build does after its push.
 */
@Controller()
export class BuildsRequests {
  constructor(
    private readonly workloads: WorkloadRepository,
    private readonly owners: OwnerClient,
  ) {}

  @OnRequest(TriggerRequests.getBuild)
  async get(@Payload() query: NamespacedNameRequest): Promise<StoredObject> {
    const row = await this.workloads.findBuild(query.namespace, query.name);
    if (!row) throw new StatusError(Statuses.notFound(BuildResource, query.name));
    return row.body;
  }

  @OnRequest(TriggerRequests.listBuilds)
  async list(@Payload() query: BuildListRequest): Promise<List<StoredObject>> {
    const [rows, resourceVersion] = await Promise.all([this.workloads.listBuilds(query.namespace), this.workloads.currentResourceVersion()]);
    return { kind: 'BuildList', apiVersion: 'build.openshift.io/v1', metadata: { resourceVersion }, items: rows.map((row) => row.body) };
  }

  @OnRequest(TriggerRequests.patchBuild)
  async patch(@Payload() command: PatchBuildCommand): Promise<StoredObject> {
    const unknownFields = Object.keys(command.patch).filter((field) => field !== 'status');
    if (unknownFields.length) throw new StatusError(Statuses.badRequest(`a builder reports through status only; cannot patch ${unknownFields.join(', ')}`));
    let completed: { body: StoredObject; digest: string } | undefined;
    const body = await this.workloads.transaction(async (manager) => {
      const row = await this.workloads.findBuild(command.namespace, command.name, manager, true);
      if (!row) throw new StatusError(Statuses.notFound(BuildResource, command.name));
      const before = (row.body.status ?? {}) as BuildStatus;
      const patched = applyMergePatch(row.body, command.patch) as StoredObject;
      const status = (patched.status ?? {}) as BuildStatus;
      const causes = statusProblems(status);
      if (causes.length) throw new StatusError(Statuses.invalid(BuildResource, row.name, causes));
      if (before.phase && FINAL_PHASES.has(before.phase) && status.phase !== before.phase) {
        throw new StatusError(Statuses.conflict(BuildResource, row.name, `the build is already ${before.phase}`));
      }
      const [{ v }]: { v: string }[] = await manager.query("SELECT nextval('resource_version_seq')::text AS v");
      const stamped = { ...patched, metadata: { ...row.body.metadata, resourceVersion: v } };
      await this.workloads.replaceBuild(manager, row.uid, stamped);
      const digest = status.output?.to?.imageDigest;
      if (status.phase === 'Complete' && before.phase !== 'Complete' && digest) completed = { body: stamped, digest };
      return stamped;
    });
    if (completed) await this.moveOutputTag(completed.body, completed.digest);
    return body;
  }

  /** The output ImageStreamTag now points at the built image (an ImageStreamMapping, as the registry writes after a push). */
  private async moveOutputTag(build: StoredObject, digest: string): Promise<void> {
    const to = ((build.spec?.['output'] ?? {}) as { to?: { kind?: unknown; name?: unknown; namespace?: unknown } }).to;
    // Shapes are checked when a BuildConfig is written; rows stored before that are read warily.
    if (to?.kind !== 'ImageStreamTag' || typeof to.name !== 'string' || !to.name.includes(':')) return;
    const [stream, tag] = to.name.split(':', 2);
    const status = (build.status ?? {}) as BuildStatus;
    await this.owners.request(ImageRequests.createImageStreamMapping, {
      namespace: typeof to.namespace === 'string' && to.namespace ? to.namespace : build.metadata.namespace,
      actor: `build:${build.metadata.namespace}/${build.metadata.name}`,
      mapping: {
        apiVersion: 'image.openshift.io/v1',
        kind: 'ImageStreamMapping',
        metadata: { name: stream },
        image: { metadata: { name: digest }, ...(status.outputDockerImageReference ? { dockerImageReference: status.outputDockerImageReference } : {}) },
        tag,
      },
    } as never);
  }
}

function statusProblems(status: BuildStatus): { reason: 'FieldValueNotSupported' | 'FieldValueInvalid'; field: string; message: string }[] {
  const causes: { reason: 'FieldValueNotSupported' | 'FieldValueInvalid'; field: string; message: string }[] = [];
  if (status.phase === undefined || !PHASES.includes(status.phase)) causes.push({ reason: 'FieldValueNotSupported', field: 'status.phase', message: `supported values: ${PHASES.join(', ')}` });
  const digest = status.output?.to?.imageDigest;
  if (digest !== undefined && (typeof digest !== 'string' || !DIGEST.test(digest))) causes.push({ reason: 'FieldValueInvalid', field: 'status.output.to.imageDigest', message: 'must be sha256:<64 hex>' });
  return causes;
}
