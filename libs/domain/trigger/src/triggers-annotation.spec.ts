import type { KubernetesObject, TagResolver } from './openshift-workloads';
import {
  applyAnnotationTrigger,
  AnnotationTrigger,
  evaluateAnnotationTriggers,
  formatTriggersAnnotation,
  parseTriggerFieldPath,
  parseTriggersAnnotation,
  podSpecPathFor,
  TRIGGER_ANNOTATION_KEY,
  validateTriggersAgainstObject,
} from './triggers-annotation';

const WEB = 'spec.template.spec.containers[?(@.name=="web")].image';

function deployment(triggers?: unknown, overrides: Partial<KubernetesObject> = {}): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'frontend',
      namespace: 'team-a',
      ...(triggers === undefined ? {} : { annotations: { [TRIGGER_ANNOTATION_KEY]: typeof triggers === 'string' ? triggers : JSON.stringify(triggers) } }),
    },
    spec: {
      replicas: 2,
      template: {
        metadata: { labels: { app: 'frontend' } },
        spec: {
          initContainers: [{ name: 'migrate', image: 'registry.local/team-a/web@sha256:old' }],
          containers: [
            { name: 'web', image: 'registry.local/team-a/web@sha256:old', ports: [{ containerPort: 8080 }] },
            { name: 'sidecar', image: 'busybox' },
          ],
        },
      },
    },
    ...overrides,
  };
}

function cronJob(): KubernetesObject {
  return {
    kind: 'CronJob',
    metadata: { name: 'nightly', namespace: 'team-a' },
    spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { containers: [{ name: 'job', image: 'old' }] } } } } },
  };
}

function pod(): KubernetesObject {
  return { kind: 'Pod', metadata: { name: 'p', namespace: 'team-a' }, spec: { containers: [{ name: 'main', image: 'old' }] } };
}

function trigger(fieldPath: string, name = 'web:latest', extra: Partial<AnnotationTrigger> = {}): AnnotationTrigger {
  return { from: { kind: 'ImageStreamTag', name }, fieldPath, paused: false, ...extra };
}

/** Reads a dotted path (array indexes as segments) without typing the whole object. */
function dig(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('podSpecPathFor', () => {
  it.each([
    ['Deployment', 'spec.template.spec'],
    ['StatefulSet', 'spec.template.spec'],
    ['DaemonSet', 'spec.template.spec'],
    ['ReplicaSet', 'spec.template.spec'],
    ['ReplicationController', 'spec.template.spec'],
    ['Job', 'spec.template.spec'],
    ['CronJob', 'spec.jobTemplate.spec.template.spec'],
    ['Pod', 'spec'],
    ['Service', undefined],
    ['DeploymentConfig', undefined],
    ['BuildConfig', undefined],
    ['deployment', undefined],
    ['toString', undefined],
    [undefined, undefined],
  ])('%s -> %s', (kind, expected) => {
    expect(podSpecPathFor(kind)).toBe(expected);
  });
});

describe('parseTriggerFieldPath', () => {
  it.each([
    ['index', 'spec.template.spec.containers[0].image', { podSpecPath: 'spec.template.spec', init: false, selector: { index: 0 } }],
    ['larger index', 'spec.template.spec.containers[12].image', { podSpecPath: 'spec.template.spec', init: false, selector: { index: 12 } }],
    ['name, double quotes', WEB, { podSpecPath: 'spec.template.spec', init: false, selector: { name: 'web' } }],
    ['name, single quotes', "spec.template.spec.containers[?(@.name=='web')].image", { podSpecPath: 'spec.template.spec', init: false, selector: { name: 'web' } }],
    ['name, single =', 'spec.template.spec.containers[?(@.name="web")].image', { podSpecPath: 'spec.template.spec', init: false, selector: { name: 'web' } }],
    ['name, spaces around ==', 'spec.template.spec.containers[?(@.name == "web")].image', { podSpecPath: 'spec.template.spec', init: false, selector: { name: 'web' } }],
    ['init container by index', 'spec.template.spec.initContainers[1].image', { podSpecPath: 'spec.template.spec', init: true, selector: { index: 1 } }],
    ['init container by name', 'spec.template.spec.initContainers[?(@.name=="migrate")].image', { podSpecPath: 'spec.template.spec', init: true, selector: { name: 'migrate' } }],
    ['CronJob path', 'spec.jobTemplate.spec.template.spec.containers[0].image', { podSpecPath: 'spec.jobTemplate.spec.template.spec', init: false, selector: { index: 0 } }],
    ['Pod path', 'spec.containers[?(@.name=="main")].image', { podSpecPath: 'spec', init: false, selector: { name: 'main' } }],
  ])('%s', (_name, fieldPath, expected) => {
    expect(parseTriggerFieldPath(fieldPath)).toEqual(expected);
  });

  it.each([
    ['no container list', 'spec.template.spec.image', 'expected <pod spec path>.containers[<selector>].image'],
    ['unknown pod spec path', 'spec.template.containers[0].image', '"spec.template" is not a pod spec path'],
    ['DeploymentConfig-style bare path', 'template.spec.containers[0].image', '"template.spec" is not a pod spec path'],
    ['no leading pod spec path', 'containers[0].image', 'expected <pod spec path>'],
    ['unclosed selector', 'spec.template.spec.containers[0.image', 'no closing "]"'],
    ['another field than image', 'spec.template.spec.containers[0].imagePullPolicy', 'only the container\'s image can be triggered, not "imagePullPolicy"'],
    ['env value', 'spec.template.spec.containers[0].env[0].value', 'not "env[0].value"'],
    ['no field after selector', 'spec.template.spec.containers[0]', 'must end in ".image"'],
    ['negative index', 'spec.template.spec.containers[-1].image', 'container selector "-1" must be a numeric index'],
    ['empty selector', 'spec.template.spec.containers[].image', 'container selector "" must be'],
    ['filter without ?()', 'spec.template.spec.containers[@.name=="web"].image', 'container selector "@.name==\\"web\\""'],
    ['filter on another field', 'spec.template.spec.containers[?(@.image=="web")].image', 'must be a numeric index'],
    ['empty name', 'spec.template.spec.containers[?(@.name=="")].image', 'must be a numeric index'],
    ['mismatched quotes', 'spec.template.spec.containers[?(@.name=="web\')].image', 'must be a numeric index'],
    ['wildcard', 'spec.template.spec.containers[*].image', 'must be a numeric index'],
    ['other list', 'spec.template.spec.ephemeralContainers[0].image', 'expected <pod spec path>'],
  ])('%s is rejected', (_name, fieldPath, message) => {
    const result = parseTriggerFieldPath(fieldPath);
    expect('error' in result && result.error).toContain('field path is not valid');
    expect('error' in result && result.error).toContain(message);
  });
});

describe('parseTriggersAnnotation', () => {
  const valid = { from: { kind: 'ImageStreamTag', name: 'web:latest' }, fieldPath: WEB };

  it.each<[string, string | undefined, AnnotationTrigger[]]>([
    ['no annotation', undefined, []],
    ['empty array', '[]', []],
    ['minimal entry, paused defaults to false', JSON.stringify([valid]), [trigger(WEB)]],
    ['paused true', JSON.stringify([{ ...valid, paused: true }]), [trigger(WEB, 'web:latest', { paused: true })]],
    ['paused false', JSON.stringify([{ ...valid, paused: false }]), [trigger(WEB)]],
    [
      'namespace kept',
      JSON.stringify([{ ...valid, from: { ...valid.from, namespace: 'shared' } }]),
      [{ from: { kind: 'ImageStreamTag', name: 'web:latest', namespace: 'shared' }, fieldPath: WEB, paused: false }],
    ],
    ['empty namespace means the object\'s', JSON.stringify([{ ...valid, from: { ...valid.from, namespace: '' } }]), [trigger(WEB)]],
    ['empty apiVersion allowed', JSON.stringify([{ ...valid, from: { ...valid.from, apiVersion: '' } }]), [trigger(WEB)]],
    [
      'two triggers on different containers',
      JSON.stringify([valid, { from: { kind: 'ImageStreamTag', name: 'migrate:v1.2' }, fieldPath: 'spec.template.spec.initContainers[0].image' }]),
      [trigger(WEB), trigger('spec.template.spec.initContainers[0].image', 'migrate:v1.2')],
    ],
    ['tag with dots, dashes and underscores', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: 'my-app.web_1:v1.2-rc_3' } }]), [trigger(WEB, 'my-app.web_1:v1.2-rc_3')]],
  ])('%s', (_name, value, expected) => {
    expect(parseTriggersAnnotation(value)).toEqual({ triggers: expected });
  });

  it.each<[string, string, string[]]>([
    ['not JSON', '[{from:', ['annotation image.openshift.io/triggers: not valid JSON']],
    ['empty string', '', ['not valid JSON']],
    ['an object, not an array', JSON.stringify(valid), ['must be a JSON array of triggers']],
    ['null', 'null', ['must be a JSON array of triggers']],
    ['entry is a string', '["web:latest"]', ['triggers[0]: must be an object']],
    ['paused as the string "false" (console bug OCPBUGS-43061)', JSON.stringify([{ ...valid, paused: 'false' }]), ['triggers[0].paused: must be a JSON boolean (true or false), got "false"']],
    ['paused as a number', JSON.stringify([{ ...valid, paused: 0 }]), ['triggers[0].paused: must be a JSON boolean']],
    ['paused null', JSON.stringify([{ ...valid, paused: null }]), ['triggers[0].paused: must be a JSON boolean']],
    ['from missing', JSON.stringify([{ fieldPath: WEB }]), ['triggers[0].from: required object']],
    ['from is a string', JSON.stringify([{ from: 'web:latest', fieldPath: WEB }]), ['triggers[0].from: required object']],
    ['kind DockerImage', JSON.stringify([{ ...valid, from: { kind: 'DockerImage', name: 'nginx:latest' } }]), ['triggers[0].from.kind: must be "ImageStreamTag", got "DockerImage"']],
    ['kind missing', JSON.stringify([{ ...valid, from: { name: 'web:latest' } }]), ['triggers[0].from.kind: must be "ImageStreamTag"']],
    ['kind in lower case', JSON.stringify([{ ...valid, from: { kind: 'imagestreamtag', name: 'web:latest' } }]), ['got "imagestreamtag"']],
    ['name without tag', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: 'web' } }]), ['triggers[0].from.name: must be of the form "<stream>:<tag>", got "web"']],
    ['name with two colons', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: 'web:v1:2' } }]), ['must be of the form "<stream>:<tag>"']],
    ['empty stream', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: ':latest' } }]), ['must be of the form "<stream>:<tag>"']],
    ['empty tag', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: 'web:' } }]), ['must be of the form "<stream>:<tag>"']],
    ['name missing', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag' } }]), ['triggers[0].from.name: required']],
    ['upper-case stream', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: 'Web:latest' } }]), ['stream name "Web" must match']],
    ['tag starting with a dot', JSON.stringify([{ ...valid, from: { kind: 'ImageStreamTag', name: 'web:.x' } }]), ['tag ".x" must match']],
    ['namespace not a string', JSON.stringify([{ ...valid, from: { ...valid.from, namespace: 7 } }]), ['triggers[0].from.namespace: must be a string']],
    ['non-empty apiVersion (OpenShift never indexes it)', JSON.stringify([{ ...valid, from: { ...valid.from, apiVersion: 'image.openshift.io/v1' } }]), ['triggers[0].from.apiVersion: must be empty or omitted, got "image.openshift.io/v1"']],
    ['unknown field in from', JSON.stringify([{ ...valid, from: { ...valid.from, uid: 'x' } }]), ['triggers[0].from: unknown field "uid"']],
    ['unknown entry field (typo)', JSON.stringify([{ ...valid, pasued: true }]), ['triggers[0]: unknown field "pasued" (allowed: from, fieldPath, paused)']],
    ['fieldPath missing', JSON.stringify([{ from: valid.from }]), ['triggers[0].fieldPath: required']],
    ['fieldPath empty', JSON.stringify([{ ...valid, fieldPath: '' }]), ['triggers[0].fieldPath: required']],
    ['fieldPath not a string', JSON.stringify([{ ...valid, fieldPath: 3 }]), ['triggers[0].fieldPath: required']],
    ['fieldPath for another field', JSON.stringify([{ ...valid, fieldPath: 'spec.template.spec.containers[0].command' }]), ['triggers[0].fieldPath: field path is not valid']],
    [
      'duplicate fieldPath',
      JSON.stringify([valid, { ...valid, from: { kind: 'ImageStreamTag', name: 'other:latest' } }]),
      [`triggers[1].fieldPath: duplicate triggers are not allowed (${JSON.stringify(WEB)} is also used by triggers[0])`],
    ],
    [
      'every problem is reported',
      JSON.stringify([{ ...valid, paused: 'true' }, { from: { kind: 'DockerImage', name: 'x' }, fieldPath: 'nope' }]),
      ['triggers[0].paused', 'triggers[1].from.kind', 'triggers[1].from.name', 'triggers[1].fieldPath'],
    ],
  ])('%s is rejected', (_name, value, messages) => {
    const result = parseTriggersAnnotation(value);
    expect('errors' in result).toBe(true);
    const errors = 'errors' in result ? result.errors : [];
    expect(errors).toHaveLength(messages.length);
    messages.forEach((message, i) => expect(errors[i]).toContain(message));
  });

  it('round-trips through formatTriggersAnnotation', () => {
    const triggers = [trigger(WEB), { ...trigger('spec.template.spec.initContainers[0].image', 'migrate:v1'), from: { kind: 'ImageStreamTag' as const, name: 'migrate:v1', namespace: 'shared' }, paused: true }];
    expect(parseTriggersAnnotation(formatTriggersAnnotation(triggers))).toEqual({ triggers });
  });
});

describe('validateTriggersAgainstObject', () => {
  it.each<[string, KubernetesObject, AnnotationTrigger[], string[]]>([
    ['Deployment by name', deployment(), [trigger(WEB)], []],
    ['Deployment by index', deployment(), [trigger('spec.template.spec.containers[1].image')], []],
    ['Deployment init container', deployment(), [trigger('spec.template.spec.initContainers[?(@.name=="migrate")].image')], []],
    ['CronJob', cronJob(), [trigger('spec.jobTemplate.spec.template.spec.containers[0].image')], []],
    ['Pod', pod(), [trigger('spec.containers[?(@.name=="main")].image')], []],
    ['StatefulSet uses the template path', { ...deployment(), kind: 'StatefulSet' }, [trigger(WEB)], []],
    ['no triggers', deployment(), [], []],
    ['CronJob with a Deployment path', cronJob(), [trigger('spec.template.spec.containers[0].image')], ['triggers[0].fieldPath: field path is not valid: "spec.template.spec.containers[0].image": a CronJob\'s pod spec is at "spec.jobTemplate.spec.template.spec", not "spec.template.spec"']],
    ['Deployment with a Pod path', deployment(), [trigger('spec.containers[0].image')], ['a Deployment\'s pod spec is at "spec.template.spec", not "spec"']],
    ['index out of range', deployment(), [trigger('spec.template.spec.containers[2].image')], ['triggers[0].fieldPath: no such container: containers has no container with index 2']],
    ['unknown container name', deployment(), [trigger('spec.template.spec.containers[?(@.name=="api")].image')], ['no such container: containers has no container with name "api"']],
    ['init container named under containers', deployment(), [trigger('spec.template.spec.containers[?(@.name=="migrate")].image')], ['no such container: containers has no container with name "migrate"']],
    ['container named under initContainers', deployment(), [trigger('spec.template.spec.initContainers[?(@.name=="web")].image')], ['no such container: initContainers has no container with name "web"']],
    ['no init containers at all', pod(), [trigger('spec.initContainers[0].image')], ['no such container: initContainers has no container with index 0']],
    ['same container by index and by name', deployment(), [trigger(WEB), trigger('spec.template.spec.containers[0].image', 'other:latest')], ['triggers[1].fieldPath: targets the same container as triggers[0] ("web")']],
    ['kind without pod spec', { kind: 'Service', metadata: { name: 's' } }, [trigger('spec.containers[0].image')], ['kind "Service" cannot carry image.openshift.io/triggers']],
    ['kind missing', { metadata: { name: 's' } }, [trigger(WEB)], ['kind "" cannot carry']],
    ['object without template', { kind: 'Deployment', metadata: { name: 'd' } }, [trigger(WEB)], ['no such container']],
  ])('%s', (_name, object, triggers, messages) => {
    const errors = validateTriggersAgainstObject(object, triggers);
    expect(errors).toHaveLength(messages.length);
    messages.forEach((message, i) => expect(errors[i]).toContain(message));
  });
});

describe('applyAnnotationTrigger', () => {
  const NEW = 'registry.local/team-a/web@sha256:new';

  it.each<[string, () => KubernetesObject, string, string]>([
    ['container by name', deployment, WEB, 'spec.template.spec.containers.0.image'],
    ['container by index', deployment, 'spec.template.spec.containers[1].image', 'spec.template.spec.containers.1.image'],
    ['init container', deployment, 'spec.template.spec.initContainers[0].image', 'spec.template.spec.initContainers.0.image'],
    ['CronJob', cronJob, 'spec.jobTemplate.spec.template.spec.containers[0].image', 'spec.jobTemplate.spec.template.spec.containers.0.image'],
    ['Pod', pod, 'spec.containers[0].image', 'spec.containers.0.image'],
  ])('sets the image: %s', (_name, make, fieldPath, imagePath) => {
    const input = deepFreeze(make());
    const before = JSON.stringify(input);
    const result = applyAnnotationTrigger(input, { fieldPath }, NEW);
    expect(result).toMatchObject({ changed: true });
    const updated = 'object' in result ? result.object : undefined;
    expect(dig(updated, imagePath)).toBe(NEW);
    expect(updated).not.toBe(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('changes nothing else', () => {
    const input = deployment();
    const result = applyAnnotationTrigger(input, { fieldPath: WEB }, NEW);
    if (!('object' in result)) throw new Error('expected an object');
    expect(result.object).not.toEqual(input);
    // Putting the old image back gives exactly the input: nothing else was touched.
    const restored = applyAnnotationTrigger(result.object, { fieldPath: WEB }, 'registry.local/team-a/web@sha256:old');
    expect('object' in restored && restored.object).toEqual(input);
  });

  it('returns the same object with changed:false when the image is already set', () => {
    const input = deepFreeze(deployment());
    const result = applyAnnotationTrigger(input, { fieldPath: WEB }, 'registry.local/team-a/web@sha256:old');
    expect(result).toEqual({ changed: false, object: input });
    expect('object' in result && result.object).toBe(input);
  });

  it('sets an image on a container that had none', () => {
    const input: KubernetesObject = { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'main' }] } };
    expect(applyAnnotationTrigger(input, { fieldPath: 'spec.containers[0].image' }, NEW)).toEqual({
      changed: true,
      object: { kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'main', image: NEW }] } },
    });
  });

  it.each<[string, KubernetesObject, string, string]>([
    ['no such container (name)', deployment(), 'spec.template.spec.containers[?(@.name=="api")].image', 'no such container'],
    ['no such container (index)', deployment(), 'spec.template.spec.containers[5].image', 'no such container'],
    ['path not valid', deployment(), 'spec.template.spec.containers[0].name', 'field path is not valid'],
    ['path for another kind', cronJob(), WEB, 'field path is not valid'],
    ['unsupported kind', { kind: 'ConfigMap', metadata: { name: 'c' } }, 'spec.containers[0].image', 'unsupported kind'],
  ])('%s', (_name, object, fieldPath, error) => {
    expect(applyAnnotationTrigger(object, { fieldPath }, NEW)).toMatchObject({ error });
  });
});

describe('evaluateAnnotationTriggers', () => {
  const images: Record<string, string> = {
    'team-a/web:latest': 'registry.local/team-a/web@sha256:new',
    'team-a/migrate:v1': 'registry.local/team-a/migrate@sha256:m1',
    'shared/base:1': 'quay.io/shared/base@sha256:b1',
  };
  const resolve: TagResolver = (ref) => images[`${ref.namespace}/${ref.name}`];
  const entry = (name: string, fieldPath: string, extra: Record<string, unknown> = {}) => ({ from: { kind: 'ImageStreamTag', name, ...extra }, fieldPath });

  it.each<[string, unknown, { changed: boolean; fired: string[] } | { errors: string[] }]>([
    ['no annotation', undefined, { changed: false, fired: [] }],
    ['empty list', [], { changed: false, fired: [] }],
    ['tag moved: container updated', [entry('web:latest', WEB)], { changed: true, fired: [WEB] }],
    ['paused trigger never fires', [{ ...entry('web:latest', WEB), paused: true }], { changed: false, fired: [] }],
    ['unresolvable tag is skipped silently', [entry('nothing:yet', WEB)], { changed: false, fired: [] }],
    ['namespace defaults to the object\'s', [entry('migrate:v1', 'spec.template.spec.initContainers[0].image')], { changed: true, fired: ['spec.template.spec.initContainers[0].image'] }],
    ['explicit namespace', [entry('base:1', 'spec.template.spec.containers[1].image', { namespace: 'shared' })], { changed: true, fired: ['spec.template.spec.containers[1].image'] }],
    ['other namespace\'s tag is not the object\'s', [entry('base:1', 'spec.template.spec.containers[1].image')], { changed: false, fired: [] }],
    [
      'several triggers in one pass',
      [entry('web:latest', WEB), entry('migrate:v1', 'spec.template.spec.initContainers[0].image'), { ...entry('base:1', 'spec.template.spec.containers[1].image', { namespace: 'shared' }), paused: true }],
      { changed: true, fired: [WEB, 'spec.template.spec.initContainers[0].image'] },
    ],
    ['malformed annotation', '[{"paused":"false"}]', { errors: ['triggers[0].from: required object'] }],
    ['unknown container', [entry('web:latest', 'spec.template.spec.containers[?(@.name=="api")].image')], { errors: ['no such container'] }],
  ])('%s', (_name, annotation, expected) => {
    const input = deepFreeze(deployment(annotation));
    const result = evaluateAnnotationTriggers(input, resolve);
    if ('errors' in expected) {
      expect('errors' in result).toBe(true);
      const errors = 'errors' in result ? result.errors : [];
      expected.errors.forEach((m, i) => expect(errors[i]).toContain(m));
      return;
    }
    expect(result).toMatchObject({ changed: expected.changed });
    expect('fired' in result && result.fired.map((f) => f.fieldPath)).toEqual(expected.fired);
    if (!expected.changed) expect('object' in result && result.object).toBe(input);
  });

  it('reports what fired and writes the resolved pull spec', () => {
    const result = evaluateAnnotationTriggers(deployment([entry('web:latest', WEB)]), resolve);
    expect('fired' in result && result.fired).toEqual([
      { fieldPath: WEB, from: { namespace: 'team-a', name: 'web:latest' }, image: 'registry.local/team-a/web@sha256:new' },
    ]);
    expect('object' in result && dig(result.object, 'spec.template.spec.containers.0.image')).toBe('registry.local/team-a/web@sha256:new');
  });

  it('does not fire again once the container has the image', () => {
    const first = evaluateAnnotationTriggers(deployment([entry('web:latest', WEB)]), resolve);
    const second = 'object' in first ? evaluateAnnotationTriggers(first.object, resolve) : first;
    expect(second).toMatchObject({ changed: false, fired: [] });
  });
});
