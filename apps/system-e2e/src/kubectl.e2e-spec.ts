import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ImageStream } from '@imagestreams/contracts';
import { api, createTestNamespace, mapping, randomDigest } from './support/api';
import { Kubectl, KUBECTL, type RunningKubectl } from './support/kubectl';

const IMAGE_API = '/apis/image.openshift.io/v1';
const REPO_ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/openshift-library/imagestreams');

interface KubeList<T> {
  kind: string;
  items: T[];
}

/** The NAME column of kubectl's table output. */
function names(table: string): string[] {
  return table
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(/\s+/, 1)[0]);
}

/**
 * kubectl finds our kinds through Kubernetes discovery (`/api`, `/apis`, `/apis/<group>/<version>`:
 * short names, scope, verbs) and talks to the gateway as to any API server. No `/openapi/v2` is
 * served, so kubectl's client-side validation (which downloads it) is turned off with
 * `--validate=false`, and apply falls back to JSON merge patches for kinds it does not know.
 */
describe(`kubectl (${KUBECTL}) against the gateway`, () => {
  let kubectl: Kubectl;
  let namespace: string;
  const digest = randomDigest();

  beforeAll(async () => {
    kubectl = await Kubectl.create();
    // Fails (not skips) without kubectl: .ci/run installs Debian's kubernetes-client.
    await kubectl.run(['version', '--client']);
    namespace = await createTestNamespace('kubectl');
    const created = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreams`, {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'web', labels: { team: 'a' } },
    });
    expect(created.status).toBe(201);
    const mapped = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreammappings`, mapping('web', 'latest', digest));
    expect(mapped.status).toBe(201);
  });

  afterAll(async () => {
    await kubectl?.dispose();
  });

  it('get imagestreams -o json lists a stream created through the API', async () => {
    const list = await kubectl.json<KubeList<ImageStream>>(['get', 'imagestreams', '-n', namespace]);

    expect(list.items.map((stream) => stream.metadata.name)).toEqual(['web']);
    expect(list.items[0]).toMatchObject({ kind: 'ImageStream', apiVersion: 'image.openshift.io/v1', metadata: { namespace, labels: { team: 'a' } } });
    expect(list.items[0].status.tags?.[0]).toMatchObject({ tag: 'latest', items: [{ image: digest }] });
  });

  it('get is (the short name) prints the stream, and reads one by name', async () => {
    const table = await kubectl.run(['get', 'is', '-n', namespace]);
    const one = await kubectl.run(['get', 'is', 'web', '-n', namespace, '-o', 'jsonpath={.metadata.name} {.status.tags[0].items[0].image}']);
    const selected = await kubectl.run(['get', 'is', '-n', namespace, '-l', 'team=b']);

    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s/);
    expect(names(table.stdout)).toEqual(['web']);
    expect(one.stdout).toBe(`web ${digest}`);
    expect(selected.stdout).toBe('');
    expect(selected.stderr).toContain('No resources found');
  });

  it('get istag lists the tags, and reads one as ImageStreamTag', async () => {
    const table = await kubectl.run(['get', 'istag', '-n', namespace]);
    const tag = await kubectl.json<{ kind: string; image: { metadata: { name: string } } }>(['get', 'istag', 'web:latest', '-n', namespace]);

    expect(names(table.stdout)).toEqual(['web:latest']);
    expect(tag).toMatchObject({ kind: 'ImageStreamTag', image: { metadata: { name: digest } } });
  });

  describe('get is -w', () => {
    let watch: RunningKubectl | undefined;

    afterEach(async () => {
      await watch?.kill();
    });

    it('prints a change made through the API', async () => {
      watch = kubectl.spawn(['get', 'is', '-w', '-n', namespace]);
      await watch.waitForOutput((stdout) => names(stdout).includes('web'), 'the initial list');
      // The watch resumes from the list's resourceVersion, so a change right after the list is not missed.
      const mapped = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreammappings`, mapping('watched', 'latest', randomDigest()));
      expect(mapped.status).toBe(201);

      await watch.waitForOutput((stdout) => names(stdout).includes('watched'), 'the stream created through the API');
    });
  });
});

if (!existsSync(FIXTURES)) console.warn(`OpenShift fixtures not found at ${FIXTURES}: the kubectl apply tests are skipped`);

(existsSync(FIXTURES) ? describe : describe.skip)('kubectl apply of an OpenShift sample image stream', () => {
  let kubectl: Kubectl;
  let namespace: string;
  let workDir: string;
  let fixture: ImageStream;

  beforeAll(async () => {
    kubectl = await Kubectl.create();
    namespace = await createTestNamespace('kubectl-apply');
    workDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-kubectl-apply-'));
    const file = readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.json'))
      .sort()[0];
    fixture = JSON.parse(await readFile(path.join(FIXTURES, file), 'utf8')) as ImageStream;
  });

  afterAll(async () => {
    await kubectl?.dispose();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  async function apply(object: ImageStream, name: string): Promise<string> {
    const file = path.join(workDir, name);
    await writeFile(file, JSON.stringify(object));
    return (await kubectl.run(['apply', '--validate=false', '-n', namespace, '-f', file])).stdout.trim();
  }

  async function read(): Promise<ImageStream> {
    const response = await api<ImageStream>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/${fixture.metadata.name}`);
    expect(response.status).toBe(200);
    return response.body;
  }

  it('creates the stream, then updates it when a label changes', async () => {
    expect(await apply(fixture, 'first.json')).toBe(`imagestream.image.openshift.io/${fixture.metadata.name} created`);
    const created = await read();
    expect(created.metadata.annotations).toMatchObject(fixture.metadata.annotations ?? {});
    expect(created.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toEqual(expect.any(String));
    expect(created.spec.tags?.map((tag) => tag.name)).toEqual(fixture.spec.tags?.map((tag) => tag.name));

    const relabelled: ImageStream = { ...fixture, metadata: { ...fixture.metadata, labels: { ...fixture.metadata.labels, 'applied-by': 'kubectl' } } };
    expect(await apply(relabelled, 'second.json')).toBe(`imagestream.image.openshift.io/${fixture.metadata.name} configured`);
    const updated = await read();
    expect(updated.metadata.labels).toEqual({ ...fixture.metadata.labels, 'applied-by': 'kubectl' });
    expect(updated.metadata.uid).toBe(created.metadata.uid);
    expect(updated.metadata.annotations).toMatchObject(fixture.metadata.annotations ?? {});
    expect(updated.spec.tags?.map((tag) => tag.name)).toEqual(fixture.spec.tags?.map((tag) => tag.name));
  });
});
