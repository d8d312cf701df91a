import { api, createTestNamespace, mapping, randomDigest } from './support/api';

interface Status {
  kind: string;
  status: string;
  reason: string;
  code: number;
  details?: { causes?: { field: string; reason: string; message: string }[] };
}

describe('bad input is answered with Status objects and writes nothing', () => {
  let namespace: string;
  const mappings = () => `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`;

  beforeAll(async () => {
    namespace = await createTestNamespace('bad-input');
  });

  async function expectNoStream(name: string): Promise<void> {
    const fetched = await api<Status>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${encodeURIComponent(name)}`);
    expect(fetched.status).toBe(404);
    expect(fetched.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
  }

  it('answers malformed JSON with 400 BadRequest', async () => {
    const response = await api<Status>('POST', mappings(), undefined, { rawBody: '{"metadata": {"name": "web"' });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
  });

  it('reports every missing field at once with 422 Invalid', async () => {
    const response = await api<Status>('POST', mappings(), { metadata: {} });
    expect(response.status).toBe(422);
    expect(response.body.reason).toBe('Invalid');
    const fields = response.body.details?.causes?.map((cause) => cause.field);
    expect(fields).toEqual(expect.arrayContaining(['metadata.name', 'image', 'tag']));
  });

  it.each([
    ['an invalid stream name', mapping('Bad_Name', 'latest', randomDigest()), 'metadata.name', 'Bad_Name'],
    ['a 300-character stream name', mapping('a'.repeat(300), 'latest', randomDigest()), 'metadata.name', 'a'.repeat(300)],
    ['an invalid digest', mapping('web-digest', 'latest', 'sha256:1234'), 'image.metadata.name', 'web-digest'],
    ['an invalid tag', mapping('web-tag', '-bad tag', randomDigest()), 'tag', 'web-tag'],
    ['an unparseable pull spec', { ...mapping('web-ref', 'latest', randomDigest()), image: { metadata: { name: randomDigest() }, dockerImageReference: 'UPPER/Case::x' } }, 'image.dockerImageReference', 'web-ref'],
  ])('rejects %s with 422 naming the field, and stores nothing', async (_case, body, field, streamName) => {
    const response = await api<Status>('POST', mappings(), body);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(response.body.details?.causes?.map((cause) => cause.field)).toContain(field);
    await expectNoStream(streamName);
  });

  it('answers a mapping into a missing namespace with 404 and creates nothing', async () => {
    const response = await api<Status>('POST', '/apis/image.openshift.io/v1/namespaces/no-such-namespace/imagestreammappings', mapping('web', 'latest', randomDigest()));
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'NotFound' });
  });

  it('answers a NUL character in a label, an annotation or a name with 400 and writes nothing', async () => {
    const streams = `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;
    for (const body of [{ metadata: { name: 'nul-label', labels: { app: 'a\u0000' } } }, { metadata: { name: 'nul-label', annotations: { note: 'a\u0000' } } }]) {
      const response = await api<Status>('POST', streams, body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    }
    await expectNoStream('nul-label');
    for (const path of [`${streams}/web%00`, `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/x%00/deliveries`, '/apis/user.openshift.io/v1/users/%00']) {
      const response = await api<Status>('GET', path);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    }
  });

  // Typed clients (kubectl, client-go) cannot decode an object whose labels hold a number: one such
  // write would break every list of its kind for them.
  it.each([
    ['an image stream', 'image.openshift.io/v1', 'imagestreams', { kind: 'ImageStream', labels: { app: 7 } }, 'metadata.labels'],
    ['a Deployment', 'apps/v1', 'deployments', { kind: 'Deployment', labels: { app: 'two words' }, spec: { template: { spec: { containers: [{ name: 'c', image: 'example.com/app:1' }] } } } }, 'metadata.labels'],
    ['a Template', 'template.openshift.io/v1', 'templates', { kind: 'Template', annotations: { 'bad key': 'x' }, objects: [] }, 'metadata.annotations'],
    ['a TemplateInstance', 'template.openshift.io/v1', 'templateinstances', { kind: 'TemplateInstance', labels: { tier: ['web'] }, spec: { template: { metadata: { name: 't' }, objects: [] } } }, 'metadata.labels'],
  ])('refuses %s whose labels or annotations Kubernetes would refuse, with 422 naming the field, and stores nothing', async (_what, apiVersion, resource, shape, field) => {
    const { kind, labels, annotations, ...rest } = shape as { kind: string; labels?: unknown; annotations?: unknown };
    const name = `bad-meta-${resource}`;
    const collection = `/apis/${apiVersion}/namespaces/${namespace}/${resource}`;
    const response = await api<Status>('POST', collection, { apiVersion, kind, metadata: { name, labels, annotations }, ...rest });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    expect(response.body.details?.causes?.map((cause) => cause.field)).toContain(field);
    expect((await api<Status>('GET', `${collection}/${name}`)).status).toBe(404);
  });

  it('rejects an invalid namespace name and a duplicate namespace', async () => {
    const invalid = await api<Status>('POST', '/api/v1/namespaces', { metadata: { name: 'Bad_Name' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.details?.causes?.[0].field).toBe('metadata.name');
    const duplicate = await api<Status>('POST', '/api/v1/namespaces', { metadata: { name: namespace } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.reason).toBe('AlreadyExists');
  });

  it('rejects a webhook subscription with an invalid URL or semver filter', async () => {
    const path = `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions`;
    const badUrl = await api<Status>('POST', path, { metadata: { name: 'hook' }, spec: { url: 'not a url' } });
    expect(badUrl.status).toBe(422);
    expect(badUrl.body.details?.causes?.map((cause) => cause.field)).toContain('spec.url');
    const badRange = await api<Status>('POST', path, { metadata: { name: 'hook' }, spec: { url: 'http://127.0.0.1:1/x', filter: { tagSemver: '>>nope' } } });
    expect(badRange.status).toBe(422);
    const listed = await api<{ items: unknown[] }>('GET', path);
    expect(listed.body.items).toEqual([]);
  });

  it('answers unknown routes with a 404 Status', async () => {
    const response = await api<Status>('GET', '/apis/image.openshift.io/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.kind).toBe('Status');
  });
});
