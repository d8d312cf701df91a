import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConsumerNames, EventSubjects, StreamNames } from '@imagestreams/contracts';
import { eventually } from '@imagestreams/testing';
import { connect } from 'nats';
import { api, authHeaders, controlStack, gatewayUrl } from './support/api';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '../../..');

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function blobFile(digest: string): string {
  const hex = digest.slice('sha256:'.length);
  return path.join(String(process.env['E2E_DATA_DIR']), 'registry', 'blobs', 'sha256', hex.slice(0, 2), hex);
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function v2(method: string, pathname: string, init: { body?: Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${gatewayUrl()}/v2/${pathname}`, { method, body: init.body, headers: { ...authHeaders(), ...init.headers } });
}

async function pushBlob(repository: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  const response = await v2('POST', `${repository}/blobs/uploads/?digest=${digest}`, { body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  expect(response.status).toBe(201);
  return digest;
}

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { errors: { code: string }[] };
  return body.errors[0].code;
}

function randomRepository(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}/app`;
}

describe('registry lifecycle: restarts, abandoned uploads, deleted repositories, garbage collection', () => {
  it('continues a chunked upload after the gateway was killed between two chunks', async () => {
    const repository = randomRepository('restart');
    const first = randomBytes(300_000);
    const second = randomBytes(200_000);
    const started = await v2('POST', `${repository}/blobs/uploads/`);
    expect(started.status).toBe(202);
    const location = String(started.headers.get('location'));
    const chunk = await fetch(`${gatewayUrl()}${location}`, {
      method: 'PATCH',
      body: first,
      headers: { ...authHeaders(), 'content-type': 'application/octet-stream', 'content-range': `0-${first.length - 1}` },
    });
    expect(chunk.status).toBe(202);

    await controlStack('registry-gateway', 'kill');
    await controlStack('registry-gateway', 'start');

    const status = await eventually(async () => {
      const response = await fetch(`${gatewayUrl()}${location}`, { headers: authHeaders() }).catch(() => undefined);
      return response?.status === 204 ? response : undefined;
    }, 'the restarted gateway to answer the upload status');
    expect(status.headers.get('range')).toBe(`0-${first.length - 1}`);

    const whole = Buffer.concat([first, second]);
    const digest = digestOf(whole);
    const finished = await fetch(`${gatewayUrl()}${location}?digest=${digest}`, {
      method: 'PUT',
      body: second,
      headers: { ...authHeaders(), 'content-type': 'application/octet-stream', 'content-range': `${first.length}-${whole.length - 1}` },
    });
    expect(finished.status).toBe(201);
    const pulled = await v2('GET', `${repository}/blobs/${digest}`);
    expect(Buffer.from(await pulled.arrayBuffer()).equals(whole)).toBe(true);
  });

  it('forgets an upload nobody touched for UPLOAD_MAX_AGE_SECONDS', async () => {
    const repository = randomRepository('abandon');
    const started = await v2('POST', `${repository}/blobs/uploads/`);
    const location = String(started.headers.get('location'));
    expect((await fetch(`${gatewayUrl()}${location}`, { headers: authHeaders() })).status).toBe(204);
    const gone = await eventually(async () => {
      const response = await fetch(`${gatewayUrl()}${location}`, { headers: authHeaders() });
      return response.status === 404 ? response : undefined;
    }, 'the abandoned upload to be cleaned', 30_000);
    expect(await errorCode(gone)).toBe('BLOB_UPLOAD_UNKNOWN');
  });

  it('stops serving a deleted image stream’s blobs', async () => {
    const repository = randomRepository('deleted');
    const [namespace, stream] = repository.split('/');
    const layer = await pushBlob(repository, randomBytes(1000));
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const configDigest = await pushBlob(repository, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: 1000 }],
      }),
    );
    const put = await v2('PUT', `${repository}/manifests/v1`, { body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    expect(put.status).toBe(201);

    expect((await api('DELETE', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${stream}`)).status).toBe(200);

    const tags = await v2('GET', `${repository}/tags/list`);
    expect(tags.status).toBe(404);
    expect(await errorCode(tags)).toBe('NAME_UNKNOWN');
    // The blob links go when the gateway consumes the stream's deletion event.
    await eventually(async () => ((await v2('HEAD', `${repository}/blobs/${layer}`)).status === 404 ? true : undefined), 'the deleted repository’s blob to be unknown');
    expect((await v2('GET', `${repository}/manifests/${digestOf(manifest)}`)).status).toBe(404);
  });

  it('keeps what a repository pushed again holds when the old stream’s deletion event comes again', async () => {
    const repository = randomRepository('reborn');
    const [namespace, stream] = repository.split('/');
    const layerBytes = randomBytes(1000);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }));
    const push = async () => {
      const layer = await pushBlob(repository, layerBytes);
      const configDigest = await pushBlob(repository, config);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer, size: layerBytes.length }],
      });
      expect((await v2('PUT', `${repository}/manifests/v1`, { body: Buffer.from(manifest), headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } })).status).toBe(201);
      return layer;
    };
    const layer = await push();
    expect((await api('DELETE', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${stream}`)).status).toBe(200);
    await eventually(async () => ((await v2('HEAD', `${repository}/blobs/${layer}`)).status === 404 ? true : undefined), 'the deleted repository’s blob to be unknown');
    // Pushed again under the same name (a new stream), the same content.
    await push();

    // The old deletion comes again, as a redelivery would bring it.
    const nc = await connect({ servers: String(process.env['E2E_NATS_URL']) });
    try {
      const jsm = await nc.jetstreamManager();
      const stored = await jsm.streams.getMessage(StreamNames.imageEvents, { last_by_subj: EventSubjects.imageStreamDeleted });
      expect((stored.json() as { data: { namespace: string } }).data.namespace).toBe(namespace);
      const replayed = await nc.jetstream().publish(EventSubjects.imageStreamDeleted, stored.data, { msgID: `replay-${randomBytes(8).toString('hex')}` });
      await eventually(async () => {
        const consumer = await jsm.consumers.info(StreamNames.imageEvents, ConsumerNames.registryGatewayImageEvents);
        return consumer.ack_floor.stream_seq >= replayed.seq ? true : undefined;
      }, 'the gateway to handle the replayed deletion');
    } finally {
      await nc.close();
    }

    expect((await v2('HEAD', `${repository}/blobs/${layer}`)).status).toBe(200);
    expect((await v2('GET', `${repository}/manifests/v1`)).status).toBe(200);
  });

  it('garbage collection removes blobs no repository serves and keeps the rest', async () => {
    const repository = randomRepository('gc');
    const kept = await pushBlob(repository, randomBytes(5000));
    const dropped = await pushBlob(repository, randomBytes(5000));
    expect((await v2('DELETE', `${repository}/blobs/${dropped}`)).status).toBe(202);
    expect(await exists(blobFile(dropped))).toBe(true);

    const { stdout } = await run('npm', ['run', '--silent', 'registry:gc', '--', '--grace-minutes=0'], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: String(process.env['E2E_DATABASE_URL']), DATA_DIR: String(process.env['E2E_DATA_DIR']), LOG_LEVEL: 'error' },
    });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { scanned: number; deleted: number; freedBytes: number };
    expect(result.deleted).toBeGreaterThanOrEqual(1);
    expect(result.freedBytes).toBeGreaterThanOrEqual(5000);
    expect(await exists(blobFile(dropped))).toBe(false);
    expect(await exists(blobFile(kept))).toBe(true);
    expect((await v2('GET', `${repository}/blobs/${kept}`)).status).toBe(200);
  });
});
