import { IsDefined, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { NamespacedNameRequest, WithActor } from './resource-requests';
import type { ResourceRef } from './status';

/**
 * Objects whose image triggers trigger-dispatcher keeps live: OpenShift's BuildConfigs and
 * DeploymentConfigs (ImageChange triggers in their spec) and Kubernetes workloads carrying the
 * `image.openshift.io/triggers` annotation. They are stored in their own JSON shape.
 */
export interface WorkloadKind extends ResourceRef {
  group: string;
  version: string;
}

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  { group: 'build.openshift.io', version: 'v1', resource: 'buildconfigs', kind: 'BuildConfig' },
  { group: 'apps.openshift.io', version: 'v1', resource: 'deploymentconfigs', kind: 'DeploymentConfig' },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet' },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob' },
];

export const BuildConfigKind = WORKLOAD_KINDS[0];

export const WORKLOAD_KIND_NAMES = WORKLOAD_KINDS.map((kind) => kind.kind);

export const BuildResource: WorkloadKind = { group: 'build.openshift.io', version: 'v1', resource: 'builds', kind: 'Build' };

export function workloadKind(kind: string): WorkloadKind | undefined {
  return WORKLOAD_KINDS.find((candidate) => candidate.kind === kind);
}

export const apiVersionOf = (kind: WorkloadKind): string => `${kind.group}/${kind.version}`;

/** A stored object: free-form JSON in its own API's shape, with Kubernetes metadata. */
export interface StoredObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid?: string; resourceVersion?: string; creationTimestamp?: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [field: string]: unknown;
}

export class WorkloadKindRequest {
  @IsDefined()
  @IsIn(WORKLOAD_KIND_NAMES)
  kind: string;
}

export class WorkloadListRequest extends WorkloadKindRequest {
  @IsOptional()
  @IsString()
  @MaxLength(253)
  namespace?: string;
}

export class WorkloadRequest extends NamespacedNameRequest {
  @IsDefined()
  @IsIn(WORKLOAD_KIND_NAMES)
  kind: string;
}

/** Create (no `name`: it is the object's) or replace (`name` from the path, `metadata.resourceVersion` checked). */
export class WriteWorkloadCommand extends WithActor {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  namespace: string;

  @IsDefined()
  @IsIn(WORKLOAD_KIND_NAMES)
  kind: string;

  @IsOptional()
  @IsString()
  @MaxLength(253)
  name?: string;

  @IsDefined()
  @IsObject()
  object: Record<string, unknown>;
}

export class BuildListRequest {
  @IsOptional()
  @IsString()
  @MaxLength(253)
  namespace?: string;
}

/** What an external builder reports: a merge patch of the Build (its `status` only). */
export class PatchBuildCommand extends NamespacedNameRequest {
  @IsDefined()
  @IsObject()
  patch: Record<string, unknown>;
}

/** An inbound BuildConfig webhook as the gateway received it (the owner applies OpenShift's rules). */
export class BuildWebhookCommand extends NamespacedNameRequest {
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  secret: string;

  @IsDefined()
  @IsString()
  @MaxLength(64)
  type: string;

  @IsDefined()
  @IsString()
  @MaxLength(16)
  method: string;

  /** Lower-case names; only the ones the rules read (content type, event headers). */
  @IsDefined()
  @IsObject()
  headers: Record<string, string>;

  /** The body as sent (JSON re-serialized by the gateway), or absent. */
  @IsOptional()
  @IsString()
  body?: string;
}

export const TagMoveDryRunResource: ResourceRef = { group: 'notifications.imagestreams.io', resource: 'tagmovedryruns', kind: 'TagMoveDryRun' };

/** "If this tag moved to that image, what would fire?" — answered without firing anything. */
export class TagMoveDryRunRequest {
  @IsDefined()
  @IsString()
  @MaxLength(255)
  imageStream: string;

  @IsDefined()
  @IsString()
  @MaxLength(128)
  tag: string;

  /** The image's digest: the pull spec becomes `<status.dockerImageRepository>@<digest>`. */
  @IsOptional()
  @Matches(/^sha256:[a-f0-9]{64}$/, { message: 'digest must be sha256:<64 lowercase hex>' })
  digest?: string;

  /** Or the exact pull spec the tag would resolve to (e.g. an external image with referencePolicy Source). */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  pullSpec?: string;
}

export class TagMoveDryRunCommand extends TagMoveDryRunRequest {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  namespace: string;
}

export interface TagMoveDryRun {
  kind: 'TagMoveDryRun';
  apiVersion: 'notifications.imagestreams.io/v1';
  pullSpec: string;
  webhooks: { name: string }[];
  builds: { kind: string; namespace: string; name: string }[];
  deployments: { kind: string; namespace: string; name: string; rollout: boolean; latestVersion: number }[];
  updatedObjects: { kind: string; namespace: string; name: string; fieldPaths: string[] }[];
  notFiring: { kind: string; namespace: string; name: string; reason: string }[];
}
