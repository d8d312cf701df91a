import { SamplesConfigRequests, type SamplesConfig } from '@imagestreams/contracts';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const CONFIGS = '/apis/samples.operator.openshift.io/v1/configs';

function config(spec: Record<string, unknown> = {}): SamplesConfig {
  return {
    apiVersion: 'samples.operator.openshift.io/v1',
    kind: 'Config',
    metadata: { name: 'cluster', uid: 'u', resourceVersion: '3', creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { managementState: 'Managed', architectures: [], skippedImagestreams: [], skippedTemplates: [], ...spec },
    status: { conditions: [] },
  };
}

describe('SamplesConfigController', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('GET configs/cluster and the list ask template-service', async () => {
    gateway.owners.answer(SamplesConfigRequests.get, () => config());
    gateway.owners.answer(SamplesConfigRequests.list, () => ({ apiVersion: 'samples.operator.openshift.io/v1', kind: 'ConfigList', metadata: { resourceVersion: '3' }, items: [config()] }));

    expect((await request(gateway.http).get(`${CONFIGS}/cluster`)).body).toEqual(config());
    expect((await request(gateway.http).get(CONFIGS)).body.items).toHaveLength(1);
    expect(gateway.owners.calls).toEqual([
      { subject: SamplesConfigRequests.get.subject, payload: { name: 'cluster' } },
      { subject: SamplesConfigRequests.list.subject, payload: {} },
    ]);
  });

  it.each([
    ['GET', undefined],
    ['PUT', { metadata: { name: 'other' } }],
    ['PATCH', { spec: {} }],
  ])('%s of any other name is 404 NotFound without asking anyone', async (method, body) => {
    const call = request(gateway.http)[method.toLowerCase() as 'get'](`${CONFIGS}/other`);
    const response = await (body ? call.send(body) : call);

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'NotFound', details: { name: 'other', group: 'samples.operator.openshift.io', kind: 'configs' } });
    expect(gateway.owners.calls).toEqual([]);
  });

  it('PUT validates the body at the edge (422 with causes) and forwards a valid one', async () => {
    gateway.owners.answer(SamplesConfigRequests.update, ({ config: sent }) => config(sent.spec as Record<string, unknown>));

    const invalid = await request(gateway.http)
      .put(`${CONFIGS}/cluster`)
      .send({ metadata: { name: 'cluster' }, spec: { managementState: 'Sometimes', samplesRegistry: 'https://mirror', skippedImagestreams: 'ruby' } });
    const valid = await request(gateway.http)
      .put(`${CONFIGS}/cluster`)
      .send({ apiVersion: 'samples.operator.openshift.io/v1', kind: 'Config', metadata: { name: 'cluster' }, spec: { managementState: 'Removed', samplesRegistry: 'mirror.example.com:5000' } });

    expect(invalid.status).toBe(422);
    expect(invalid.body.details.causes.map((cause: { field: string }) => cause.field)).toEqual(
      expect.arrayContaining(['spec.managementState', 'spec.samplesRegistry', 'spec.skippedImagestreams']),
    );
    expect(valid.status).toBe(200);
    expect(valid.body.spec).toMatchObject({ managementState: 'Removed', samplesRegistry: 'mirror.example.com:5000' });
    expect(gateway.owners.subjects()).toEqual([SamplesConfigRequests.update.subject]);
  });

  it('PATCH forwards a merge patch; other patch types are 415', async () => {
    gateway.owners.answer(SamplesConfigRequests.patch, () => config({ managementState: 'Unmanaged' }));

    const patched = await request(gateway.http).patch(`${CONFIGS}/cluster`).set('content-type', 'application/merge-patch+json').send(JSON.stringify({ spec: { managementState: 'Unmanaged' } }));
    const jsonPatch = await request(gateway.http).patch(`${CONFIGS}/cluster`).set('content-type', 'application/json-patch+json').send('[]');

    expect(patched.status).toBe(200);
    expect(gateway.owners.calls).toEqual([{ subject: SamplesConfigRequests.patch.subject, payload: { name: 'cluster', patch: { spec: { managementState: 'Unmanaged' } } } }]);
    expect(jsonPatch.status).toBe(415);
  });
});
