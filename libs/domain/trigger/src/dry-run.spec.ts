import { dryRunTagMove, DryRunInput, DryRunSubscription, HypotheticalTagMove } from './dry-run';
import type { BuildConfig, DeploymentConfig, KubernetesObject } from './openshift-workloads';
import { TRIGGER_ANNOTATION_KEY } from './triggers-annotation';

const NEW = 'registry.local/team-a/web@sha256:new';
const OLD = 'registry.local/team-a/web@sha256:old';
const move: HypotheticalTagMove = { namespace: 'team-a', stream: 'web', tag: 'latest', newPullSpec: NEW };
const ist = (name: string, namespace?: string) => ({ kind: 'ImageStreamTag', name, ...(namespace ? { namespace } : {}) });

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

function bc(name: string, from: ReturnType<typeof ist>, lastTriggered?: string, paused = false, namespace = 'team-a'): BuildConfig {
  return {
    kind: 'BuildConfig',
    metadata: { name, namespace },
    spec: { strategy: { dockerStrategy: { from } }, triggers: [{ type: 'ImageChange', imageChange: { paused } }] },
    ...(lastTriggered ? { status: { imageChangeTriggers: [{ from: { namespace: from.namespace ?? namespace, name: from.name }, lastTriggeredImageID: lastTriggered }] } } : {}),
  };
}

function dc(name: string, triggers: { from: ReturnType<typeof ist>; containers: string[]; automatic?: boolean }[], latestVersion = 1): DeploymentConfig {
  return {
    kind: 'DeploymentConfig',
    metadata: { name, namespace: 'team-a' },
    spec: {
      triggers: triggers.map((t) => ({ type: 'ImageChange', imageChangeParams: { automatic: t.automatic ?? true, containerNames: t.containers, from: t.from } })),
      template: { spec: { containers: [{ name: 'web', image: OLD }, { name: 'db', image: 'postgres' }] } },
    },
    status: { latestVersion },
  };
}

function annotated(kind: string, name: string, triggers: unknown[]): KubernetesObject {
  return {
    kind,
    metadata: { name, namespace: 'team-a', annotations: { [TRIGGER_ANNOTATION_KEY]: JSON.stringify(triggers) } },
    spec: { template: { spec: { containers: [{ name: 'web', image: OLD }] } } },
  };
}
const webEntry = (fieldPath = 'spec.template.spec.containers[?(@.name=="web")].image', name = 'web:latest') => ({ from: { kind: 'ImageStreamTag', name }, fieldPath });

const subscriptions: DryRunSubscription[] = [
  { name: 'all', namespace: 'team-a' },
  { name: 'latest-only', namespace: 'team-a', filter: { tags: ['latest'] } },
  { name: 'web-star', namespace: 'team-a', filter: { imageStreams: ['web-*'] } },
  { name: 'deletes', namespace: 'team-a', events: ['tag.deleted'] },
  { name: 'changes', namespace: 'team-a', events: ['tag.changed'] },
  { name: 'other-ns', namespace: 'team-b' },
  { name: 'paused', namespace: 'team-a', paused: true },
];

const input: DryRunInput = deepFreeze({
  subscriptions,
  buildConfigs: [
    bc('fires', ist('web:latest')),
    bc('up-to-date', ist('web:latest'), NEW),
    bc('other-tag', ist('base:latest')),
    bc('paused', ist('web:latest'), undefined, true),
    bc('cross-ns', ist('web:latest', 'team-a'), OLD, false, 'team-c'),
  ],
  deploymentConfigs: [
    dc('rolls-out', [{ from: ist('web:latest'), containers: ['web'] }]),
    dc('blocked', [{ from: ist('web:latest'), containers: ['web'] }, { from: ist('db:latest'), containers: ['db'] }]),
    dc('manual', [{ from: ist('web:latest'), containers: ['web'], automatic: false }]),
  ],
  annotatedObjects: [
    annotated('Deployment', 'frontend', [webEntry()]),
    annotated('StatefulSet', 'broken', [webEntry('spec.template.spec.containers[?(@.name=="api")].image')]),
    annotated('Deployment', 'other', [webEntry(undefined, 'base:latest')]),
    annotated('Deployment', 'invalid', [{ ...webEntry(), paused: 'false' }]),
  ],
});

describe('dryRunTagMove', () => {
  const result = dryRunTagMove(move, input);

  it('lists the subscriptions that would get a tag.changed delivery', () => {
    expect(result.webhooks).toEqual([{ name: 'all' }, { name: 'latest-only' }, { name: 'changes' }]);
  });

  it('lists the BuildConfigs that would build, with their requests', () => {
    expect(result.builds.map((b) => `${b.namespace}/${b.name}`)).toEqual(['team-a/fires', 'team-c/cross-ns']);
    expect(result.builds[0].request.triggeredByImage).toEqual({ kind: 'DockerImage', name: NEW });
  });

  it('lists the DeploymentConfigs that would roll out', () => {
    expect(result.deployments).toEqual([
      { kind: 'DeploymentConfig', namespace: 'team-a', name: 'rolls-out', rollout: true, latestVersion: 2, causes: [{ type: 'ImageChange', imageTrigger: { from: { kind: 'DockerImage', name: NEW } } }] },
    ]);
  });

  it('lists the annotated objects whose images would change', () => {
    expect(result.updatedObjects).toEqual([{ kind: 'Deployment', namespace: 'team-a', name: 'frontend', fieldPaths: ['spec.template.spec.containers[?(@.name=="web")].image'] }]);
  });

  it('explains watchers that would not fire; objects not watching the tag are not mentioned', () => {
    expect(result.notFiring).toEqual([
      { kind: 'WebhookSubscription', namespace: 'team-a', name: 'paused', reason: 'paused' },
      { kind: 'BuildConfig', namespace: 'team-a', name: 'up-to-date', reason: 'up to date' },
      { kind: 'DeploymentConfig', namespace: 'team-a', name: 'blocked', reason: 'not resolvable (team-a/db:latest)' },
      { kind: 'StatefulSet', namespace: 'team-a', name: 'broken', reason: expect.stringContaining('invalid triggers: triggers[0].fieldPath: no such container') },
    ]);
  });

  it('resolves other tags through resolveOthers', () => {
    const withDb = dryRunTagMove(move, { ...input, resolveOthers: (ref) => (ref.name === 'db:latest' ? 'postgres@sha256:p' : undefined) });
    expect(withDb.deployments.map((d) => d.name)).toEqual(['rolls-out', 'blocked']);
    expect(withDb.deployments[1].causes.map((c) => c.imageTrigger?.from.name)).toEqual([NEW, 'postgres@sha256:p']);
  });

  it('a move to the pull spec already in place fires nothing but webhooks', () => {
    const same = dryRunTagMove({ ...move, newPullSpec: OLD }, {
      subscriptions,
      deploymentConfigs: [{ ...dc('rolls-out', [{ from: ist('web:latest'), containers: ['web'] }]), spec: { ...dc('x', []).spec, triggers: [{ type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['web'], from: ist('web:latest'), lastTriggeredImage: OLD } }] } }],
      annotatedObjects: [annotated('Deployment', 'frontend', [webEntry()])],
      buildConfigs: [bc('built', ist('web:latest'), OLD)],
    });
    expect(same.builds).toEqual([]);
    expect(same.deployments).toEqual([]);
    expect(same.updatedObjects).toEqual([]);
    expect(same.webhooks.length).toBeGreaterThan(0);
    expect(same.notFiring.map((n) => `${n.kind}/${n.name}: ${n.reason}`)).toEqual([
      'WebhookSubscription/paused: paused',
      'BuildConfig/built: up to date',
      'DeploymentConfig/rolls-out: up to date',
      'Deployment/frontend: up to date',
    ]);
  });

  it('empty input', () => {
    expect(dryRunTagMove(move, {})).toEqual({ webhooks: [], builds: [], deployments: [], updatedObjects: [], notFiring: [] });
  });
});
