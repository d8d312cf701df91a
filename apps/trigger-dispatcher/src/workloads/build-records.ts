import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { BuildRequested, createCloudEvent, type BuildRequestedV1, type StoredObject } from '@imagestreams/contracts';
import type { BuildRequest } from '@imagestreams/domain-trigger';
import { appendToOutbox } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import { TRIGGER_DISPATCHER_SOURCE } from '../deliveries/subscription-events';
import { WorkloadRepository, type WorkloadRow } from './workload.repository';

/**
 * Creates Build records, the one thing ImageChange triggers and build webhooks have in common: the
 * BuildConfig's `status.lastVersion` + 1, a `builds` row in phase New for the external builder, and
 * a `build.requested` event, all in the caller's transaction (the BuildConfig row is locked by then).
 */
@Injectable()
export class BuildRecords {
  constructor(private readonly workloads: WorkloadRepository) {}

  async create(manager: EntityManager, bc: WorkloadRow, request: BuildRequest, actor: string, statusExtras: Record<string, unknown> = {}): Promise<StoredObject> {
    const status = (bc.body.status ?? {}) as { lastVersion?: number };
    const version = (status.lastVersion ?? 0) + 1;
    const name = `${bc.name}-${version}`;
    await this.workloads.replace(manager, bc.uid, { ...bc.body, status: { ...status, ...statusExtras, lastVersion: version }, metadata: { ...bc.body.metadata, resourceVersion: await this.workloads.nextResourceVersion(manager) } }, undefined);
    const build = buildFor(bc, name, version, request, await this.workloads.nextResourceVersion(manager));
    await this.workloads.insertBuild(manager, { uid: build.metadata.uid as string, namespace: bc.namespace, name, buildConfig: bc.name, body: build });
    const cause = (request.triggeredBy[0] as { message?: string } | undefined)?.message ?? 'Manually triggered';
    const commit = request.revision?.git?.commit;
    const data: BuildRequestedV1 = {
      namespace: bc.namespace,
      buildConfig: bc.name,
      build: name,
      cause,
      ...(request.triggeredByImage ? { image: request.triggeredByImage.name } : {}),
      ...(commit ? { commit } : {}),
      actor,
    };
    await appendToOutbox(manager, [
      {
        subject: BuildRequested.subject,
        event: createCloudEvent({ type: BuildRequested.type, source: TRIGGER_DISPATCHER_SOURCE, subject: `namespaces/${bc.namespace}/builds/${name}`, data }),
      },
    ]);
    return build;
  }
}

/** The Build: the BuildConfig's spec as it is now, the request's causes, revision and env, phase New. */
function buildFor(bc: WorkloadRow, name: string, version: number, request: BuildRequest, resourceVersion: string): StoredObject {
  const spec = (bc.body.spec ?? {}) as Record<string, unknown>;
  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'Build',
    metadata: {
      name,
      namespace: bc.namespace,
      uid: randomUUID(),
      resourceVersion,
      creationTimestamp: new Date().toISOString(),
      labels: { buildconfig: bc.name, 'openshift.io/build-config.name': bc.name },
      annotations: { 'openshift.io/build-config.name': bc.name, 'openshift.io/build.number': String(version) },
    },
    spec: {
      ...(spec['source'] === undefined ? {} : { source: spec['source'] }),
      ...(spec['strategy'] === undefined ? {} : { strategy: withRequest(spec['strategy'], request) }),
      ...(spec['output'] === undefined ? {} : { output: spec['output'] }),
      ...(request.revision ? { revision: request.revision } : {}),
      triggeredBy: request.triggeredBy,
    },
    status: { phase: 'New', config: { kind: 'BuildConfig', namespace: bc.namespace, name: bc.name } },
  };
}

/** The triggering image becomes the builder image, and webhook env (allowEnv) wins over the strategy's. */
function withRequest(strategy: unknown, request: BuildRequest): unknown {
  if (typeof strategy !== 'object' || strategy === null) return strategy;
  const copy = { ...(strategy as Record<string, unknown>) };
  for (const key of ['sourceStrategy', 'dockerStrategy', 'customStrategy']) {
    const inner = copy[key] as { from?: unknown; env?: { name: string; value?: string }[] } | undefined;
    if (!inner || typeof inner !== 'object') continue;
    let updated = { ...inner };
    if (request.triggeredByImage && inner.from) updated = { ...updated, from: { kind: 'DockerImage', name: request.triggeredByImage.name } };
    if (request.env?.length) {
      const names = new Set(request.env.map((variable) => variable.name));
      updated = { ...updated, env: [...(inner.env ?? []).filter((variable) => !names.has(variable.name)), ...request.env] };
    }
    copy[key] = updated;
  }
  return copy;
}
