import { buildConfigImageChanges, builderImageReference, deploymentConfigImageChanges, watchedImageStreamTags } from './image-change-triggers';
import type {
  BuildConfig,
  BuildTriggerPolicy,
  DeploymentConfig,
  DeploymentTriggerPolicy,
  ImageChangeTriggerStatus,
  KubernetesObject,
  TagResolver,
} from './openshift-workloads';
import { TRIGGER_ANNOTATION_KEY } from './triggers-annotation';

const RUBY = 'image-registry.local/openshift/ruby@sha256:r2';
const RUBY_OLD = 'image-registry.local/openshift/ruby@sha256:r1';
const BASE = 'quay.io/team-a/base@sha256:b2';
const WEB = 'registry.local/team-a/web@sha256:w2';
const WEB_OLD = 'registry.local/team-a/web@sha256:w1';

const tags: Record<string, string> = {
  'openshift/ruby:3.3': RUBY,
  'team-a/base:latest': BASE,
  'team-a/web:latest': WEB,
  'team-a/ruby:3.3': 'registry.local/team-a/ruby@sha256:local',
};
const resolve: TagResolver = (ref) => tags[`${ref.namespace}/${ref.name}`];

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

const ist = (name: string, namespace?: string) => ({ kind: 'ImageStreamTag', name, ...(namespace ? { namespace } : {}) });

function buildConfig(triggers: BuildTriggerPolicy[], status?: ImageChangeTriggerStatus[], strategyFrom: object | null = ist('ruby:3.3', 'openshift')): BuildConfig {
  return {
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: { name: 'app', namespace: 'team-a' },
    spec: {
      source: { type: 'Git', git: { uri: 'https://git.example.com/app.git' } },
      strategy: { type: 'Source', sourceStrategy: strategyFrom ? { from: strategyFrom } : {} },
      output: { to: { kind: 'ImageStreamTag', name: 'app:latest' } },
      triggers,
    },
    ...(status ? { status: { lastVersion: 3, imageChangeTriggers: status } } : {}),
  };
}

const strategyTrigger: BuildTriggerPolicy = { type: 'ImageChange', imageChange: {} };
const baseTrigger: BuildTriggerPolicy = { type: 'ImageChange', imageChange: { from: ist('base:latest') } };
const configChange: BuildTriggerPolicy = { type: 'ConfigChange' };

describe('buildConfigImageChanges', () => {
  describe('when nothing fires', () => {
    it.each<[string, BuildConfig, string]>([
      ['no triggers at all', buildConfig([]), 'no image change triggers'],
      ['only ConfigChange and a webhook', buildConfig([configChange, { type: 'Generic', generic: { secret: 's' } }]), 'no image change triggers'],
      ['from is a DockerImage', buildConfig([{ type: 'ImageChange', imageChange: { from: { kind: 'DockerImage', name: 'ruby:3.3' } } }]), 'no image change triggers'],
      ['from omitted and the builder image is a DockerImage', buildConfig([strategyTrigger], undefined, { kind: 'DockerImage', name: 'ruby:3.3' }), 'no image change triggers'],
      ['from omitted and the strategy has no from', buildConfig([strategyTrigger], undefined, null), 'no image change triggers'],
      ['ImageStreamTag without a name', buildConfig([{ type: 'ImageChange', imageChange: { from: { kind: 'ImageStreamTag' } } }]), 'no image change triggers'],
      ['the only trigger is paused', buildConfig([{ type: 'ImageChange', imageChange: { paused: true } }]), 'paused'],
      ['the tag has no image yet', buildConfig([{ type: 'ImageChange', imageChange: { from: ist('empty:latest') } }]), 'not resolvable'],
      ['status already has the resolved pull spec', buildConfig([strategyTrigger], [{ from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY }]), 'up to date'],
      ['deprecated spec value has it (no status yet)', buildConfig([{ type: 'ImageChange', imageChange: { lastTriggeredImageID: RUBY } }]), 'up to date'],
      ['deprecated spec value has it, status is stale', buildConfig([{ type: 'ImageChange', imageChange: { lastTriggeredImageID: RUBY } }], [{ from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY_OLD }]), 'up to date'],
      ['OpenShift-style status entry without from for the strategy trigger', buildConfig([strategyTrigger], [{ lastTriggeredImageID: RUBY }]), 'up to date'],
      ['status namespace omitted means the BuildConfig\'s', buildConfig([baseTrigger], [{ from: { name: 'base:latest' }, lastTriggeredImageID: BASE }]), 'up to date'],
      ['one up to date, one unresolvable', buildConfig([baseTrigger, { type: 'ImageChange', imageChange: { from: ist('empty:latest') } }], [{ from: { namespace: 'team-a', name: 'base:latest' }, lastTriggeredImageID: BASE }]), 'up to date'],
    ])('%s', (_name, bc, reason) => {
      expect(buildConfigImageChanges(bc, resolve)).toEqual({ fire: false, reason });
    });
  });

  it('a new BuildConfig whose builder tag resolves builds at once, with one merged request', () => {
    const bc = deepFreeze(buildConfig([configChange, strategyTrigger]));
    expect(buildConfigImageChanges(bc, resolve, new Date('2026-11-27T12:00:00Z'))).toEqual({
      fire: true,
      request: {
        kind: 'BuildRequest',
        apiVersion: 'build.openshift.io/v1',
        metadata: { name: 'app', namespace: 'team-a' },
        triggeredByImage: { kind: 'DockerImage', name: RUBY },
        from: { kind: 'ImageStreamTag', namespace: 'openshift', name: 'ruby:3.3' },
        triggeredBy: [
          { message: 'Image change', imageChangeBuild: { imageID: RUBY, fromRef: { kind: 'ImageStreamTag', namespace: 'openshift', name: 'ruby:3.3' } } },
        ],
      },
      imageChangeTriggers: [{ lastTriggeredImageID: RUBY, from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggerTime: '2026-11-27T12:00:00.000Z' }],
    });
  });

  type FiringCase = [name: string, bc: BuildConfig, triggeredByImage: string, from: string, causes: string[]];
  it.each<FiringCase>([
    ['explicit from, namespace defaults to the BuildConfig\'s', buildConfig([baseTrigger]), BASE, 'team-a/base:latest', [BASE]],
    ['explicit from in another namespace', buildConfig([{ type: 'ImageChange', imageChange: { from: ist('ruby:3.3', 'openshift') } }]), RUBY, 'openshift/ruby:3.3', [RUBY]],
    ['builder image of a docker strategy', { ...buildConfig([strategyTrigger]), spec: { ...buildConfig([strategyTrigger]).spec, strategy: { type: 'Docker', dockerStrategy: { from: ist('base:latest') } } } }, BASE, 'team-a/base:latest', [BASE]],
    ['builder image of a custom strategy', { ...buildConfig([strategyTrigger]), spec: { ...buildConfig([strategyTrigger]).spec, strategy: { type: 'Custom', customStrategy: { from: ist('ruby:3.3', 'openshift') } } } }, RUBY, 'openshift/ruby:3.3', [RUBY]],
    ['status is stale', buildConfig([strategyTrigger], [{ from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY_OLD }]), RUBY, 'openshift/ruby:3.3', [RUBY]],
    ['status and deprecated spec value are both stale', buildConfig([{ type: 'ImageChange', imageChange: { lastTriggeredImageID: RUBY_OLD } }], [{ from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY_OLD }]), RUBY, 'openshift/ruby:3.3', [RUBY]],
    [
      'referencePolicy switch: same image, different pull spec string fires',
      buildConfig([baseTrigger], [{ from: { namespace: 'team-a', name: 'base:latest' }, lastTriggeredImageID: 'registry.local/team-a/base@sha256:b2' }]),
      BASE,
      'team-a/base:latest',
      [BASE],
    ],
    ['two firing triggers merge: first gives triggeredByImage and from, one cause each', buildConfig([strategyTrigger, baseTrigger]), RUBY, 'openshift/ruby:3.3', [RUBY, BASE]],
    ['paused trigger skipped, the other fires', buildConfig([{ type: 'ImageChange', imageChange: { paused: true } }, baseTrigger]), BASE, 'team-a/base:latest', [BASE]],
    ['up-to-date trigger does not add a cause', buildConfig([strategyTrigger, baseTrigger], [{ from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY }]), BASE, 'team-a/base:latest', [BASE]],
    ['two triggers on the same tag give one cause', buildConfig([strategyTrigger, { type: 'ImageChange', imageChange: { from: ist('ruby:3.3', 'openshift') } }]), RUBY, 'openshift/ruby:3.3', [RUBY]],
    ['unresolvable trigger skipped, the other fires', buildConfig([{ type: 'ImageChange', imageChange: { from: ist('empty:latest') } }, baseTrigger]), BASE, 'team-a/base:latest', [BASE]],
  ])('fires: %s', (_name, bc, triggeredByImage, from, causes) => {
    const result = buildConfigImageChanges(deepFreeze(bc), resolve);
    expect(result.fire).toBe(true);
    if (!result.fire) return;
    expect(result.request.triggeredByImage).toEqual({ kind: 'DockerImage', name: triggeredByImage });
    expect(`${result.request.from?.namespace}/${result.request.from?.name}`).toBe(from);
    expect(result.request.triggeredBy.map((c) => c.imageChangeBuild?.imageID)).toEqual(causes);
    expect(result.request.triggeredBy.every((c) => c.message === 'Image change')).toBe(true);
  });

  it('rewrites status.imageChangeTriggers: fired tags get time, every resolved tag its image, others are kept, removed triggers dropped', () => {
    const bc = buildConfig(
      [strategyTrigger, baseTrigger, { type: 'ImageChange', imageChange: { from: ist('empty:latest') } }, { type: 'ImageChange', imageChange: { from: ist('web:latest'), paused: true } }],
      [
        { from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY, lastTriggerTime: '2026-01-01T00:00:00Z' },
        { from: { namespace: 'team-a', name: 'base:latest' }, lastTriggeredImageID: 'quay.io/team-a/base@sha256:b1', lastTriggerTime: '2026-01-02T00:00:00Z' },
        { from: { namespace: 'team-a', name: 'web:latest' }, lastTriggeredImageID: WEB_OLD },
        { from: { namespace: 'team-a', name: 'removed:latest' }, lastTriggeredImageID: 'x' },
      ],
    );
    const result = buildConfigImageChanges(bc, resolve, new Date('2026-11-27T12:00:00Z'));
    expect(result.fire && result.imageChangeTriggers).toEqual([
      { from: { namespace: 'openshift', name: 'ruby:3.3' }, lastTriggeredImageID: RUBY, lastTriggerTime: '2026-01-01T00:00:00Z' },
      { from: { namespace: 'team-a', name: 'base:latest' }, lastTriggeredImageID: BASE, lastTriggerTime: '2026-11-27T12:00:00.000Z' },
      { from: { namespace: 'team-a', name: 'empty:latest' } },
      { from: { namespace: 'team-a', name: 'web:latest' }, lastTriggeredImageID: WEB_OLD },
    ]);
  });

  it('without `now` the lastTriggerTime of a fired tag keeps its old value', () => {
    const bc = buildConfig([baseTrigger], [{ from: { namespace: 'team-a', name: 'base:latest' }, lastTriggeredImageID: 'old', lastTriggerTime: '2026-01-02T00:00:00Z' }]);
    const result = buildConfigImageChanges(bc, resolve);
    expect(result.fire && result.imageChangeTriggers).toEqual([{ from: { namespace: 'team-a', name: 'base:latest' }, lastTriggeredImageID: BASE, lastTriggerTime: '2026-01-02T00:00:00Z' }]);
  });

  it('calls the resolver with the defaulted namespace, once per tag', () => {
    const calls: string[] = [];
    buildConfigImageChanges(buildConfig([baseTrigger, baseTrigger, strategyTrigger]), (ref) => {
      calls.push(`${ref.namespace}/${ref.name}`);
      return resolve(ref);
    });
    expect(calls).toEqual(['team-a/base:latest', 'openshift/ruby:3.3']);
  });

  it('applying the new status makes the next evaluation up to date', () => {
    const bc = buildConfig([strategyTrigger, baseTrigger]);
    const first = buildConfigImageChanges(bc, resolve);
    if (!first.fire) throw new Error('expected a build');
    const next = { ...bc, status: { lastVersion: 1, imageChangeTriggers: first.imageChangeTriggers } };
    expect(buildConfigImageChanges(next, resolve)).toEqual({ fire: false, reason: 'up to date' });
  });
});

describe('builderImageReference', () => {
  it.each<[string, BuildConfig['spec']['strategy'], unknown]>([
    ['source', { sourceStrategy: { from: ist('ruby:3.3') } }, ist('ruby:3.3')],
    ['docker', { dockerStrategy: { from: ist('base:1') } }, ist('base:1')],
    ['custom', { customStrategy: { from: ist('builder:1') } }, ist('builder:1')],
    ['docker without from', { dockerStrategy: {} }, undefined],
    ['no strategy', undefined, undefined],
  ])('%s', (_name, strategy, expected) => {
    expect(builderImageReference({ metadata: {}, spec: { strategy } })).toEqual(expected);
  });
});

function deploymentConfig(triggers: DeploymentTriggerPolicy[], latestVersion = 2, containerImage = WEB_OLD): DeploymentConfig {
  return {
    apiVersion: 'apps.openshift.io/v1',
    kind: 'DeploymentConfig',
    metadata: { name: 'frontend', namespace: 'team-a', labels: { app: 'frontend' } },
    spec: {
      replicas: 2,
      selector: { app: 'frontend' },
      triggers,
      template: {
        metadata: { labels: { app: 'frontend' } },
        spec: {
          initContainers: [{ name: 'migrate', image: containerImage }],
          containers: [
            { name: 'web', image: containerImage, ports: [{ containerPort: 8080 }] },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
    status: { latestVersion, observedGeneration: 4 },
  };
}

const webTrigger = (params: Partial<NonNullable<DeploymentTriggerPolicy['imageChangeParams']>> = {}): DeploymentTriggerPolicy => ({
  type: 'ImageChange',
  imageChangeParams: { automatic: true, containerNames: ['web', 'migrate'], from: ist('web:latest'), ...params },
});

describe('deploymentConfigImageChanges', () => {
  const notFiring: [string, DeploymentConfig, string, string[]?][] = [
    ['no triggers', deploymentConfig([]), 'no image change triggers'],
    ['only ConfigChange', deploymentConfig([{ type: 'ConfigChange' }]), 'no image change triggers'],
    ['from is a DockerImage', deploymentConfig([webTrigger({ from: { kind: 'DockerImage', name: 'nginx' } })]), 'no image change triggers'],
    ['automatic: false is paused', deploymentConfig([webTrigger({ automatic: false })]), 'paused'],
    ['automatic omitted is paused', deploymentConfig([{ type: 'ImageChange', imageChangeParams: { containerNames: ['web'], from: ist('web:latest') } }]), 'paused'],
    ['unresolvable and never triggered', deploymentConfig([webTrigger({ from: ist('empty:latest') })]), 'not resolvable', ['team-a/empty:latest']],
    [
      'one unresolvable trigger holds back the whole DC',
      deploymentConfig([webTrigger({ containerNames: ['web'] }), webTrigger({ containerNames: ['sidecar'], from: ist('empty:latest', 'shared') })]),
      'not resolvable',
      ['shared/empty:latest'],
    ],
    ['already up to date', deploymentConfig([webTrigger({ lastTriggeredImage: WEB })], 2, WEB), 'up to date'],
    ['unresolvable now but lastTriggeredImage already applied', deploymentConfig([webTrigger({ from: ist('empty:latest'), lastTriggeredImage: WEB_OLD })]), 'up to date'],
    ['containerNames naming no existing container', deploymentConfig([webTrigger({ containerNames: ['api'], lastTriggeredImage: WEB })]), 'up to date'],
  ];
  // Padded to four columns: Jest would pass its `done` callback as a missing last argument.
  it.each(notFiring.map(([name, dc, reason, unresolved]) => [name, reason, dc, unresolved] as const))('%s -> %s', (_name, reason, dc, unresolved) => {
    expect(deploymentConfigImageChanges(deepFreeze(dc), resolve)).toEqual({ fire: false, reason, ...(unresolved ? { unresolved } : {}) });
  });

  it('a moved tag updates lastTriggeredImage and every listed container and init container, and rolls out', () => {
    const dc = deepFreeze(deploymentConfig([{ type: 'ConfigChange' }, webTrigger({ lastTriggeredImage: WEB_OLD })]));
    const expected: DeploymentConfig = {
      ...deploymentConfig([{ type: 'ConfigChange' }, webTrigger({ lastTriggeredImage: WEB })]),
      status: {
        latestVersion: 3,
        observedGeneration: 4,
        details: { message: 'image change', causes: [{ type: 'ImageChange', imageTrigger: { from: { kind: 'DockerImage', name: WEB } } }] },
      },
    };
    const pod = expected.spec.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) if (c.name !== 'sidecar') c.image = WEB;
    expect(deploymentConfigImageChanges(dc, resolve)).toEqual({ fire: true, updatedDc: expected, rollout: true });
  });

  type FireCase = [name: string, dc: DeploymentConfig, rollout: boolean, latestVersion: number, images: Record<string, string>, causes: string[]];
  it.each<FireCase>([
    ['first resolution of a never-deployed DC', deploymentConfig([webTrigger()], 0), true, 1, { web: WEB, migrate: WEB, sidecar: 'busybox' }, [WEB]],
    ['never deployed, containers already have the image', deploymentConfig([webTrigger()], 0, WEB), true, 1, { web: WEB, migrate: WEB, sidecar: 'busybox' }, [WEB]],
    ['deployed, containers already have the image: only lastTriggeredImage is recorded', deploymentConfig([webTrigger()], 3, WEB), false, 3, { web: WEB, migrate: WEB, sidecar: 'busybox' }, []],
    ['someone reset a container image: it is put back', deploymentConfig([webTrigger({ lastTriggeredImage: WEB })], 2, 'placeholder'), true, 3, { web: WEB, migrate: WEB, sidecar: 'busybox' }, [WEB]],
    ['unresolvable now: lastTriggeredImage is used', deploymentConfig([webTrigger({ from: ist('empty:latest'), lastTriggeredImage: 'pinned@sha256:p' })]), true, 3, { web: 'pinned@sha256:p', migrate: 'pinned@sha256:p', sidecar: 'busybox' }, ['pinned@sha256:p']],
    ['explicit namespace', deploymentConfig([webTrigger({ from: ist('ruby:3.3', 'openshift'), containerNames: ['sidecar'] })]), true, 3, { web: WEB_OLD, migrate: WEB_OLD, sidecar: RUBY }, [RUBY]],
    ['only listed containers change', deploymentConfig([webTrigger({ containerNames: ['web'] })]), true, 3, { web: WEB, migrate: WEB_OLD, sidecar: 'busybox' }, [WEB]],
    ['paused trigger is not applied', deploymentConfig([webTrigger({ containerNames: ['web'] }), webTrigger({ automatic: false, from: ist('base:latest'), containerNames: ['sidecar'] })]), true, 3, { web: WEB, migrate: WEB_OLD, sidecar: 'busybox' }, [WEB]],
    [
      'two triggers, two causes',
      deploymentConfig([webTrigger({ containerNames: ['web'] }), webTrigger({ from: ist('base:latest'), containerNames: ['sidecar'] })]),
      true,
      3,
      { web: WEB, migrate: WEB_OLD, sidecar: BASE },
      [WEB, BASE],
    ],
    ['status missing counts as never deployed', { ...deploymentConfig([webTrigger()]), status: undefined }, true, 1, { web: WEB, migrate: WEB, sidecar: 'busybox' }, [WEB]],
  ])('fires: %s', (_name, dc, rollout, latestVersion, images, causes) => {
    const input = deepFreeze(dc);
    const before = JSON.stringify(input);
    const result = deploymentConfigImageChanges(input, resolve);
    expect(JSON.stringify(input)).toBe(before);
    expect(result).toMatchObject({ fire: true, rollout });
    if (!result.fire) return;
    const pod = result.updatedDc.spec.template?.spec;
    const actual = Object.fromEntries([...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((c) => [c.name, c.image]));
    expect(actual).toEqual(images);
    expect(result.updatedDc.status?.latestVersion ?? 0).toBe(latestVersion);
    expect((result.updatedDc.status?.details?.causes ?? []).map((c) => c.imageTrigger?.from.name)).toEqual(rollout ? causes : []);
    for (const t of result.updatedDc.spec.triggers ?? []) {
      const p = t.imageChangeParams;
      if (p?.automatic) expect(p.lastTriggeredImage).toBeTruthy();
    }
  });

  it('an applied update is up to date on the next evaluation', () => {
    const first = deploymentConfigImageChanges(deploymentConfig([webTrigger()]), resolve);
    if (!first.fire) throw new Error('expected an update');
    expect(deploymentConfigImageChanges(first.updatedDc, resolve)).toEqual({ fire: false, reason: 'up to date' });
  });
});

describe('watchedImageStreamTags', () => {
  const annotated = (kind: string, triggers: unknown): KubernetesObject => ({
    kind,
    metadata: { name: 'x', namespace: 'team-a', annotations: { [TRIGGER_ANNOTATION_KEY]: JSON.stringify(triggers) } },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'x' }] } } },
  });
  const entry = (name: string, extra: Record<string, unknown> = {}, paused = false) => ({
    from: { kind: 'ImageStreamTag', name, ...extra },
    fieldPath: 'spec.template.spec.containers[0].image',
    paused,
  });

  it.each<[string, KubernetesObject, string[]]>([
    ['BuildConfig: strategy image and explicit from, defaults applied', buildConfig([strategyTrigger, baseTrigger, configChange]), ['openshift/ruby:3.3', 'team-a/base:latest']],
    ['BuildConfig: paused and DockerImage triggers left out', buildConfig([{ type: 'ImageChange', imageChange: { paused: true } }, { type: 'ImageChange', imageChange: { from: { kind: 'DockerImage', name: 'x:y' } } }]), []],
    ['BuildConfig: duplicates removed', buildConfig([strategyTrigger, { type: 'ImageChange', imageChange: { from: ist('ruby:3.3', 'openshift') } }]), ['openshift/ruby:3.3']],
    ['BuildConfig: name without a tag cannot be watched', buildConfig([{ type: 'ImageChange', imageChange: { from: ist('base') } }]), []],
    ['DeploymentConfig: automatic triggers only', deploymentConfig([webTrigger(), webTrigger({ automatic: false, from: ist('base:latest') }), webTrigger({ from: ist('ruby:3.3', 'openshift') })]), ['team-a/web:latest', 'openshift/ruby:3.3']],
    ['DeploymentConfig: ConfigChange only', deploymentConfig([{ type: 'ConfigChange' }]), []],
    ['Deployment annotation', annotated('Deployment', [entry('web:latest'), entry('base:1', { namespace: 'shared' }, false)].map((e, i) => ({ ...e, fieldPath: `spec.template.spec.containers[${i}].image` }))), ['team-a/web:latest', 'shared/base:1']],
    ['annotation: paused left out', annotated('StatefulSet', [entry('web:latest', {}, true)]), []],
    ['annotation: invalid annotation watches nothing', annotated('Deployment', [{ ...entry('web:latest'), paused: 'false' }]), []],
    ['annotation on a kind without pod spec', annotated('ConfigMap', [entry('web:latest')]), []],
    ['no annotation', { kind: 'Deployment', metadata: { name: 'd' } }, []],
  ])('%s', (_name, object, expected) => {
    expect(watchedImageStreamTags(object).map((w) => `${w.namespace}/${w.stream}:${w.tag}`)).toEqual(expected);
  });

  it('splits stream and tag', () => {
    expect(watchedImageStreamTags(buildConfig([baseTrigger]))).toEqual([{ namespace: 'team-a', stream: 'base', tag: 'latest' }]);
  });
});

describe('a BuildConfig trigger written as {type: ImageChange} alone (OpenShift defaults imageChange to {})', () => {
  const bc = {
    apiVersion: 'build.openshift.io/v1',
    kind: 'BuildConfig',
    metadata: { name: 'app', namespace: 'ns' },
    spec: { strategy: { sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'ruby:3.3', namespace: 'openshift' } } }, triggers: [{ type: 'ImageChange' }] },
  } as unknown as Parameters<typeof buildConfigImageChanges>[0];

  it('watches and fires on the strategy builder image', () => {
    expect(watchedImageStreamTags(bc)).toEqual([{ namespace: 'openshift', stream: 'ruby', tag: '3.3' }]);
    const result = buildConfigImageChanges(bc, (ref) => (ref.namespace === 'openshift' && ref.name === 'ruby:3.3' ? 'registry/openshift/ruby@sha256:1' : undefined));
    expect(result.fire).toBe(true);
  });
});
