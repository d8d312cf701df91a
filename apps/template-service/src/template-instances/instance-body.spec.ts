import { StatusError, type Status } from '@imagestreams/contracts';
import { canonicalJson, failedConditions, incomingInstance, readyConditions } from './instance-body';

function statusOf(work: () => unknown): Status {
  try {
    work();
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('expected a StatusError');
}

const template = { apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name: 't' }, objects: [], parameters: [{ name: 'A' }] };
const body = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'app' }) => ({ apiVersion: 'template.openshift.io/v1', kind: 'TemplateInstance', metadata, spec });

describe('incomingInstance', () => {
  it('keeps the metadata a client may set and the spec, defaulting the requester to the actor', () => {
    const incoming = incomingInstance(body({ template, parameters: { A: 'x' }, extra: 1 }, { name: 'app', labels: { l: 'v' }, uid: 'ignored', namespace: 'team' }), 'team');

    expect(incoming.name).toBe('app');
    expect(incoming.labels).toEqual({ l: 'v' });
    expect(JSON.parse(incoming.body)).toEqual({ metadata: { name: 'app', labels: { l: 'v' } }, spec: { template, parameters: { A: 'x' }, requester: { username: 'system:anonymous' } } });
    expect(incomingInstance(body({ template }), 'team', 'alice').spec.requester).toEqual({ username: 'alice' });
  });

  it('digests the spec whatever the key order, and tells different specs apart', () => {
    const a = incomingInstance(body({ template, parameters: { A: 'x', B: 'y' } }), 'team');
    const reordered = incomingInstance({ spec: { parameters: { B: 'y', A: 'x' }, template: { objects: [], kind: 'Template', metadata: { name: 't' }, parameters: [{ name: 'A' }], apiVersion: 'template.openshift.io/v1' } }, metadata: { name: 'app' } }, 'team');
    const other = incomingInstance(body({ template, parameters: { A: 'z', B: 'y' } }), 'team');

    expect(reordered.specDigest).toBe(a.specDigest);
    expect(other.specDigest).not.toBe(a.specDigest);
  });

  it('makes a name from generateName', () => {
    expect(incomingInstance(body({ template }, { generateName: 'app-' }), 'team').name).toMatch(/^app-[a-z0-9]{5}$/);
  });

  it('answers 400 for another type or namespace, or a body that is not an object', () => {
    expect(statusOf(() => incomingInstance([], 'team')).code).toBe(400);
    expect(statusOf(() => incomingInstance({ ...body({ template }), kind: 'Template' }, 'team')).message).toBe('the kind in the data (Template) does not match the expected kind (TemplateInstance)');
    expect(statusOf(() => incomingInstance({ ...body({ template }), apiVersion: 'v1' }, 'team')).code).toBe(400);
    expect(statusOf(() => incomingInstance(body({ template }, { name: 'app', namespace: 'other' }), 'team')).code).toBe(400);
    expect(statusOf(() => incomingInstance(body({ template: { ...template, metadata: { name: 't', namespace: 'other' } } }), 'team')).code).toBe(400);
  });

  it('answers one 422 with every field problem', () => {
    const status = statusOf(() => incomingInstance(body({ secret: { name: 's' }, parameters: { A: 1, B: 'ok' }, requester: {} }, { name: 'Bad_Name', labels: { a: 1 } }), 'team'));

    expect(status).toMatchObject({ code: 422, reason: 'Invalid', details: { kind: 'TemplateInstance', group: 'template.openshift.io', name: 'Bad_Name' } });
    expect(status.details?.causes?.map((cause) => [cause.field, cause.reason])).toEqual([
      ['metadata.name', 'FieldValueInvalid'],
      ['metadata.labels', 'FieldValueInvalid'],
      ['spec.template', 'FieldValueRequired'],
      ['spec.secret', 'FieldValueForbidden'],
      ['spec.parameters[A]', 'FieldValueInvalid'],
      ['spec.requester.username', 'FieldValueRequired'],
    ]);
    expect(statusOf(() => incomingInstance({ metadata: {} }, 'team')).details?.causes?.map((cause) => cause.field)).toEqual(['metadata.name', 'spec', 'spec.template']);
  });

  it('answers 413 for parameters beyond their limit', () => {
    expect(statusOf(() => incomingInstance(body({ template, parameters: { A: 'x'.repeat(200 * 1024) } }), 'team')).code).toBe(413);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: null, u: undefined })).toBe('{"a":null,"b":[{"c":2,"d":1}]}');
  });
});

describe('conditions', () => {
  it('are OpenShift’s for success and failure', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(readyConditions(now)).toEqual([{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00.000Z', reason: 'Created', message: '' }]);
    expect(failedConditions(now, 'boom')).toEqual([
      { type: 'Ready', status: 'False', lastTransitionTime: '2026-01-01T00:00:00.000Z', reason: 'Failed', message: 'See InstantiateFailure condition for error message' },
      { type: 'InstantiateFailure', status: 'True', lastTransitionTime: '2026-01-01T00:00:00.000Z', reason: 'Failed', message: 'boom' },
    ]);
  });
});
