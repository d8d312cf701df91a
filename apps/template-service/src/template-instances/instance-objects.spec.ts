import { TEMPLATE_INSTANCE_OWNER_LABEL } from '@imagestreams/contracts';
import type { JsonObject } from '@imagestreams/domain-template';
import { objectPath, ownerOf, planObjects, plainJson, storedJson, withStringDataFolded } from './instance-objects';

const UID = '11111111-2222-3333-4444-555555555555';

describe('ownerOf', () => {
  it.each([
    ['image.openshift.io/v1', 'ImageStream', 'stream-service'],
    ['build.openshift.io/v1', 'BuildConfig', 'trigger-dispatcher'],
    ['apps.openshift.io/v1', 'DeploymentConfig', 'trigger-dispatcher'],
    ['apps/v1', 'Deployment', 'trigger-dispatcher'],
    ['apps/v1beta2', 'StatefulSet', 'trigger-dispatcher'],
    ['apps/v1', 'DaemonSet', 'trigger-dispatcher'],
    ['batch/v1', 'CronJob', 'trigger-dispatcher'],
    ['v1', 'Secret', 'template-service'],
    ['v1', 'Service', 'template-service'],
    ['route.openshift.io/v1', 'Route', 'template-service'],
    ['v1', 'PersistentVolumeClaim', 'template-service'],
    ['v1', 'ConfigMap', 'template-service'],
    // Same kind, another group: not the object trigger-dispatcher keeps.
    ['extensions/v1beta1', 'Deployment', 'template-service'],
    ['v1', 'ImageStream', 'template-service'],
  ])('%s %s → %s', (apiVersion, kind, owner) => {
    expect(ownerOf(apiVersion, kind)).toBe(owner);
  });
});

describe('planObjects', () => {
  const secret: JsonObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', labels: { app: 'x' } }, stringData: { password: 'pw' } };
  const stream: JsonObject = { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'web' } };
  const deployment: JsonObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', annotations: { a: 'b' } }, spec: {} };

  it('routes every object, puts it in the namespace and labels it with the instance uid', () => {
    const plan = planObjects([secret, stream, deployment], 'team', UID);

    expect(plan.causes).toBeUndefined();
    expect(plan.objects?.map((object) => [object.position, object.owner, object.apiGroup, object.kind, object.name, object.namespace])).toEqual([
      [0, 'template-service', '', 'Secret', 'db', 'team'],
      [1, 'stream-service', 'image.openshift.io', 'ImageStream', 'web', 'team'],
      [2, 'trigger-dispatcher', 'apps', 'Deployment', 'web', 'team'],
    ]);
    expect(plan.objects?.[2].object['metadata']).toEqual({ name: 'web', annotations: { a: 'b' }, namespace: 'team', labels: { [TEMPLATE_INSTANCE_OWNER_LABEL]: UID } });
    expect(plan.objects?.[0].object).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'team', labels: { app: 'x', [TEMPLATE_INSTANCE_OWNER_LABEL]: UID } }, data: { password: 'cHc=' } });
  });

  it('accepts the instance namespace named explicitly', () => {
    expect(planObjects([{ ...stream, metadata: { name: 'web', namespace: 'team' } }], 'team', UID).causes).toBeUndefined();
  });

  it('reports every problem at once, on spec.template.objects[i]', () => {
    const plan = planObjects(
      [
        { kind: 'ConfigMap', metadata: { name: 'no-version' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'other' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cm-' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Name' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'twice' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'labels', labels: { a: 1 } } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'twice' } },
      ],
      'team',
      UID,
    );

    expect(plan.causes?.map((cause) => [cause.field, cause.reason])).toEqual([
      ['spec.template.objects[0].apiVersion', 'FieldValueRequired'],
      ['spec.template.objects[1].metadata.namespace', 'FieldValueInvalid'],
      ['spec.template.objects[2].metadata.name', 'FieldValueRequired'],
      ['spec.template.objects[3].metadata.name', 'FieldValueInvalid'],
      ['spec.template.objects[5].metadata.name', 'FieldValueDuplicate'],
      ['spec.template.objects[6].metadata.labels', 'FieldValueInvalid'],
    ]);
    expect(plan.causes?.[1].message).toBe('Invalid value: "other": a TemplateInstance creates its objects in its own namespace (team)');
    expect(plan.causes?.[2].message).toContain('generateName is not supported');
  });

  it('leaves names of objects owned elsewhere to their owners', () => {
    expect(planObjects([{ ...stream, metadata: { name: 'Upper' } }], 'team', UID).causes).toBeUndefined();
  });
});

describe('withStringDataFolded', () => {
  it('base64-encodes stringData into data, stringData winning, and drops it', () => {
    expect(withStringDataFolded({ kind: 'Secret', data: { a: 'eA==', b: 'eQ==' }, stringData: { b: 'new', c: 'ünï' } })).toEqual({
      kind: 'Secret',
      data: { a: 'eA==', b: Buffer.from('new').toString('base64'), c: Buffer.from('ünï').toString('base64') },
    });
    expect(withStringDataFolded({ kind: 'Secret', data: { a: 'eA==' } })).toEqual({ kind: 'Secret', data: { a: 'eA==' } });
  });
});

describe('objectPath', () => {
  it('is where the gateway serves each object', () => {
    const base = { namespace: 'team', name: 'web' };
    expect(objectPath({ ...base, owner: 'stream-service', apiVersion: 'image.openshift.io/v1', kind: 'ImageStream' }, 'app')).toBe('/apis/image.openshift.io/v1/namespaces/team/imagestreams/web');
    expect(objectPath({ ...base, owner: 'trigger-dispatcher', apiVersion: 'build.openshift.io/v1', kind: 'BuildConfig' }, 'app')).toBe('/apis/build.openshift.io/v1/namespaces/team/buildconfigs/web');
    expect(objectPath({ ...base, owner: 'trigger-dispatcher', apiVersion: 'batch/v1', kind: 'CronJob' }, 'app')).toBe('/apis/batch/v1/namespaces/team/cronjobs/web');
    expect(objectPath({ ...base, owner: 'template-service', apiVersion: 'v1', kind: 'Secret' }, 'app')).toBe('/apis/template.openshift.io/v1/namespaces/team/templateinstances/app/objects/Secret/web');
  });
});

describe('storedJson and plainJson', () => {
  it('keeps big integers exact when stored and rounds them for NATS', () => {
    const object: JsonObject = { kind: 'ConfigMap', data: { n: 9007199254740993n } };
    expect(storedJson(object)).toBe('{"kind":"ConfigMap","data":{"n":9007199254740993}}');
    expect(plainJson(object)).toEqual({ kind: 'ConfigMap', data: { n: 9007199254740992 } });
  });
});
