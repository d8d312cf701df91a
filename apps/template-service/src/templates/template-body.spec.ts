import { StatusError, type Status } from '@imagestreams/contracts';
import { generatedName, incomingTemplate, storedTemplate, templateView } from './template-body';
import type { TemplateRow } from './template.repository';

function statusOf(work: () => unknown): Status {
  try {
    work();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('incomingTemplate', () => {
  it('answers a plain JSON copy of the template', () => {
    const sent = { apiVersion: 'v1', kind: 'Template', metadata: { name: 'web' }, objects: [] };
    const copy = incomingTemplate(sent, 'team-a');

    expect(copy).toEqual(sent);
    expect(copy).not.toBe(sent);
  });

  it.each([
    [{ apiVersion: 'apps/v1' }, 'the API version in the data (apps/v1) does not match the expected API version (template.openshift.io/v1)'],
    [{ kind: 'ImageStream' }, 'the kind in the data (ImageStream) does not match the expected kind (Template)'],
    [{ metadata: { namespace: 'team-b' } }, 'the namespace of the provided object does not match the namespace sent on the request'],
  ])('refuses %j with 400', (template, message) => {
    expect(statusOf(() => incomingTemplate(template, 'team-a'))).toMatchObject({ code: 400, reason: 'BadRequest', message });
  });

  it.each(['TemplateConfig', 'ProcessedTemplate'])('accepts the kind alias %s', (kind) => {
    expect(() => incomingTemplate({ kind }, 'team-a')).not.toThrow();
  });

  it('refuses an over-large template with 413 and a too deeply nested one with 422', () => {
    let deep: unknown = {};
    for (let level = 0; level < 500; level++) deep = [deep];

    expect(statusOf(() => incomingTemplate({ message: 'x'.repeat(600 * 1024) }, 'team-a'))).toMatchObject({ code: 413, reason: 'RequestEntityTooLarge' });
    expect(statusOf(() => incomingTemplate({ metadata: { name: 'deep' }, objects: [deep] }, 'team-a'))).toMatchObject({
      code: 422,
      reason: 'Invalid',
      details: { name: 'deep', causes: [{ field: 'objects[0]' }] },
    });
  });
});

describe('storedTemplate', () => {
  it('keeps the body in API field order without server-set metadata, apiVersion, kind or unknown fields', () => {
    const stored = storedTemplate({
      labels: { app: 'web' },
      extra: true,
      parameters: [{ name: 'A' }],
      objects: [{ kind: 'Service', b: 1, a: 2 }],
      message: 'hi',
      kind: 'Template',
      apiVersion: 'v1',
      metadata: { uid: 'u', resourceVersion: '9', creationTimestamp: 'x', namespace: 'team-a', name: 'web', labels: { tier: 'db' }, annotations: { a: 'b' } },
    });

    expect(stored.name).toBe('web');
    expect(stored.labels).toEqual({ tier: 'db' });
    expect(stored.body).toBe(
      '{"metadata":{"name":"web","labels":{"tier":"db"},"annotations":{"a":"b"}},"message":"hi","objects":[{"kind":"Service","b":1,"a":2}],"parameters":[{"name":"A"}],"labels":{"app":"web"}}',
    );
  });

  it('uses the generated name when given', () => {
    expect(storedTemplate({ metadata: { generateName: 'web-' } }, 'web-bcd42').name).toBe('web-bcd42');
  });

  it('reports every problem in one 422 worded like OpenShift', () => {
    const status = statusOf(() =>
      storedTemplate({ metadata: { name: 'Bad_Name', labels: { a: 1 } }, parameters: [{ name: 'a-b' }, { value: 'x' }], objects: 'nope' }),
    );

    expect(status).toMatchObject({ kind: 'Status', code: 422, reason: 'Invalid', details: { name: 'Bad_Name', group: 'template.openshift.io', kind: 'Template' } });
    expect(status.details?.causes?.map((cause) => [cause.field, cause.reason])).toEqual([
      ['metadata.name', 'FieldValueInvalid'],
      ['objects', 'FieldValueTypeInvalid'],
      ['parameters[0].name', 'FieldValueInvalid'],
      ['parameters[1].name', 'FieldValueRequired'],
      ['metadata.labels[a]', 'FieldValueTypeInvalid'],
    ]);
    expect(status.message).toMatch(/^Template\.template\.openshift\.io "Bad_Name" is invalid: \[metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    expect(status.message).toContain('parameters[0].name: Invalid value: "a-b": does not match ^[a-zA-Z0-9_]+$');
  });

  it.each([
    [{}, 'metadata.name'],
    [{ metadata: { generateName: 7 } }, 'metadata.generateName'],
    [{ metadata: { name: 'web', annotations: ['x'] } }, 'metadata.annotations'],
    [{ metadata: { name: 'web', annotations: { 'bad key': 'x' } } }, 'metadata.annotations'],
    [{ metadata: { name: 'web', labels: { app: 'two words' } } }, 'metadata.labels'],
  ])('refuses %j naming %s', (template, field) => {
    expect(statusOf(() => storedTemplate(template)).details?.causes?.map((cause) => cause.field)).toContain(field);
  });
});

describe('generatedName', () => {
  it('appends five characters of Kubernetes alphabet and stays a valid length', () => {
    expect(generatedName('web-')).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(generatedName('a'.repeat(300))).toHaveLength(253);
  });
});

describe('templateView', () => {
  const row: TemplateRow = {
    uid: '6f1c1f1e-0000-4000-8000-000000000000',
    namespace: 'team-a',
    name: 'web',
    labels: {},
    body: '{"metadata":{"name":"web","labels":{"a":"b"}},"parameters":[{"name":"A"}]}',
    resource_version: '12',
    created_at: new Date('2026-11-27T12:00:00.000Z'),
  };

  it('adds the server-set metadata and answers objects null when the template has none', () => {
    expect(templateView(row)).toEqual({
      kind: 'Template',
      apiVersion: 'template.openshift.io/v1',
      metadata: { name: 'web', namespace: 'team-a', uid: row.uid, resourceVersion: '12', creationTimestamp: '2026-11-27T12:00:00.000Z', labels: { a: 'b' } },
      objects: null,
      parameters: [{ name: 'A' }],
    });
  });

  it('keeps generateName next to the name', () => {
    expect(Object.keys(templateView({ ...row, body: '{"metadata":{"generateName":"w-","name":"web"},"objects":[]}' }).metadata)).toEqual([
      'name',
      'generateName',
      'namespace',
      'uid',
      'resourceVersion',
      'creationTimestamp',
    ]);
  });
});
