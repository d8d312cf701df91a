/**
 * Minimal shapes of the OpenShift and Kubernetes objects that carry image triggers, as their
 * v1 JSON looks on the wire (`build.openshift.io/v1` BuildConfig, `apps.openshift.io/v1`
 * DeploymentConfig, any pod-spec workload with the `image.openshift.io/triggers` annotation).
 *
 * Only the fields the trigger rules read or write are typed; every object keeps whatever else
 * it carries (index signatures), because the rules return updated copies of whole objects and
 * must not drop fields they do not know.
 */

/** A Kubernetes `ObjectReference` as used in `from` fields. */
export interface ObjectReference {
  kind?: string;
  name?: string;
  namespace?: string;
  apiVersion?: string;
}

/** `{namespace, name}` of an ImageStreamTag; `name` is `<stream>:<tag>`. */
export interface ImageStreamTagRef {
  namespace: string;
  name: string;
}

/**
 * Resolves an ImageStreamTag to the pull spec triggers compare and write (OpenShift's
 * `ResolveLatestTaggedImage`: items[0] plus referencePolicy), or `undefined` when the tag has
 * no image yet. Triggers compare pull-spec strings, never image IDs.
 */
export type TagResolver = (ref: ImageStreamTagRef) => string | undefined;

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  [key: string]: unknown;
}

export interface Container {
  name: string;
  image?: string;
  [key: string]: unknown;
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  [key: string]: unknown;
}

/** Any object that may carry the triggers annotation (Deployment, CronJob, Pod, ...). */
export interface KubernetesObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------
// BuildConfig (build.openshift.io/v1)

export type BuildTriggerType = 'ImageChange' | 'ConfigChange' | 'GitHub' | 'GitLab' | 'Bitbucket' | 'Generic';

export interface ImageChangeTrigger {
  /** Deprecated: OpenShift now keeps this in `status.imageChangeTriggers[]`. Despite the name, a pull spec. */
  lastTriggeredImageID?: string;
  /** Omitted = the build strategy's builder image (`spec.strategy.*Strategy.from`). */
  from?: ObjectReference;
  paused?: boolean;
}

export interface SecretLocalReference {
  name: string;
}

export interface WebHookTrigger {
  secret?: string;
  /** A Secret in the BuildConfig's namespace whose key `WebHookSecretKey` holds the secret. */
  secretReference?: SecretLocalReference;
  /** Generic webhooks only: honour `env` from the payload. */
  allowEnv?: boolean;
}

export interface BuildTriggerPolicy {
  type: BuildTriggerType | string;
  imageChange?: ImageChangeTrigger;
  github?: WebHookTrigger;
  gitlab?: WebHookTrigger;
  bitbucket?: WebHookTrigger;
  generic?: WebHookTrigger;
}

export interface GitBuildSource {
  uri?: string;
  /** Branch, tag or commit; empty means `master` for webhook branch matching. */
  ref?: string;
  [key: string]: unknown;
}

export interface BuildStrategyWithFrom {
  from?: ObjectReference;
  [key: string]: unknown;
}

export interface BuildStrategy {
  type?: string;
  sourceStrategy?: BuildStrategyWithFrom;
  dockerStrategy?: BuildStrategyWithFrom;
  customStrategy?: BuildStrategyWithFrom;
  [key: string]: unknown;
}

export interface ImageChangeTriggerStatus {
  lastTriggeredImageID?: string;
  from?: { namespace?: string; name?: string };
  /** RFC 3339; only moved when this trigger itself started a build. */
  lastTriggerTime?: string;
}

export interface BuildConfig {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    triggers?: BuildTriggerPolicy[];
    source?: { type?: string; git?: GitBuildSource; [key: string]: unknown };
    strategy?: BuildStrategy;
    [key: string]: unknown;
  };
  status?: {
    lastVersion?: number;
    imageChangeTriggers?: ImageChangeTriggerStatus[];
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface SourceControlUser {
  name?: string;
  email?: string;
}

export interface GitSourceRevision {
  commit?: string;
  author?: SourceControlUser;
  committer?: SourceControlUser;
  message?: string;
}

export interface SourceRevision {
  git?: GitSourceRevision;
}

export interface EnvVar {
  name: string;
  value?: string;
}

export interface WebHookCause {
  revision?: SourceRevision;
  /** Always the literal `<secret>`: the real secret is never echoed. */
  secret: string;
}

export interface BuildTriggerCause {
  message: string;
  imageChangeBuild?: { imageID: string; fromRef: ObjectReference };
  githubWebHook?: WebHookCause;
  gitlabWebHook?: WebHookCause;
  bitbucketWebHook?: WebHookCause;
  genericWebHook?: WebHookCause;
}

/** The body of `POST buildconfigs/{name}/instantiate`. */
export interface BuildRequest {
  kind: 'BuildRequest';
  apiVersion: 'build.openshift.io/v1';
  metadata: { name: string; namespace: string };
  triggeredByImage?: { kind: 'DockerImage'; name: string };
  from?: ObjectReference;
  triggeredBy: BuildTriggerCause[];
  revision?: SourceRevision;
  env?: EnvVar[];
  dockerStrategyOptions?: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------
// DeploymentConfig (apps.openshift.io/v1)

export interface DeploymentTriggerImageChangeParams {
  /** Only `true` fires; `false` or omitted behaves as paused (Go's zero value). */
  automatic?: boolean;
  containerNames?: string[];
  from: ObjectReference;
  lastTriggeredImage?: string;
}

export interface DeploymentTriggerPolicy {
  type: 'ImageChange' | 'ConfigChange' | string;
  imageChangeParams?: DeploymentTriggerImageChangeParams;
}

export interface DeploymentCause {
  type: 'ImageChange' | 'ConfigChange' | string;
  imageTrigger?: { from: ObjectReference };
}

export interface DeploymentDetails {
  message?: string;
  causes: DeploymentCause[];
}

export interface DeploymentConfig {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: {
    triggers?: DeploymentTriggerPolicy[];
    template?: { metadata?: ObjectMeta; spec?: PodSpec; [key: string]: unknown };
    [key: string]: unknown;
  };
  status?: {
    latestVersion?: number;
    details?: DeploymentDetails;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

// ---------------------------------------------------------------------------------------
// ImageStreamTag names

/**
 * `<stream>:<tag>` → parts, or `undefined` unless the name splits on `:` into exactly two
 * non-empty parts (OpenShift's istag rule: a tag containing `:` is unaddressable).
 */
export function parseImageStreamTagName(name: string | undefined): { stream: string; tag: string } | undefined {
  if (typeof name !== 'string') return undefined;
  const parts = name.split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { stream: parts[0], tag: parts[1] };
}
