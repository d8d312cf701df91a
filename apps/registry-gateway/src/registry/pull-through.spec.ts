import { Readable } from 'node:stream';
import { DigestMismatchError, type BlobStore } from '@imagestreams/platform-blob-storage';
import type { OwnerClient } from '@imagestreams/platform-messaging';
import { BlobNotFoundError, RegistryConnectionError, type RegistryClient } from '@imagestreams/platform-registry-client';
import { PullThrough } from './pull-through';
import type { RegistryRecordsRepository } from './registry-records.repository';
import { repositoryName } from './repository-name';

const LAYER = `sha256:${'cd'.repeat(32)}`;
const REPOSITORY = repositoryName('team', 'app');
const ORIGIN = { registry: 'quay.io', repository: 'team/app', insecure: false };
const ORIGIN_URL = new URL(`https://quay.io/v2/team/app/blobs/${LAYER}`);

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

type Sink = (body: Readable, info?: { size?: number; url: URL }) => Promise<number>;

/** PullThrough over stand-ins: the store, the records and the owners answer as told; the client's download is `download`. */
function pullThroughWith(download: (sink: Sink) => Promise<number>) {
  const store = {
    startUpload: jest.fn(async () => undefined),
    appendToUpload: jest.fn(async (_id: string, _offset: number, body: Readable) => {
      for await (const chunk of body) void chunk;
      return 4;
    }),
    commitUpload: jest.fn(async () => ({ digest: LAYER, size: 4 })),
    deleteUpload: jest.fn(async () => true),
  };
  const records = { linkedBlobSize: jest.fn(async (): Promise<number | undefined> => undefined), pullOriginOfBlob: jest.fn(async () => ORIGIN), linkBlob: jest.fn(async () => undefined) };
  const owners = { request: jest.fn(async () => ({ login: { username: 'u', password: 'p' } })) };
  const client = { downloadBlob: jest.fn((_target: unknown, _digest: string, sink: (body: Readable, info: { size?: number; url: URL }) => Promise<number>) => download((body, info) => sink(body, info ?? { url: ORIGIN_URL }))) };
  const pullThrough = new PullThrough(
    store as unknown as BlobStore,
    records as unknown as RegistryRecordsRepository,
    owners as unknown as OwnerClient,
    client as unknown as RegistryClient,
  );
  return { pullThrough, store, records, owners, client };
}

describe('PullThrough blobs', () => {
  it('streams a layer into the store with the namespace login and links it', async () => {
    const { pullThrough, store, records, owners, client } = pullThroughWith((sink) => sink(Readable.from([Buffer.from('data')])));

    await expect(pullThrough.blob(REPOSITORY, LAYER)).resolves.toBe(4);
    expect(owners.request).toHaveBeenCalledWith(expect.anything(), { namespace: 'team', registry: 'quay.io' });
    expect(client.downloadBlob).toHaveBeenCalledWith({ registry: 'quay.io', repository: 'team/app', insecure: false }, LAYER, expect.any(Function), { username: 'u', password: 'p' });
    expect(store.commitUpload).toHaveBeenCalledWith(expect.stringMatching(/^pull-/), LAYER);
    expect(records.linkBlob).toHaveBeenCalledWith('team/app', LAYER, 4);
  });

  it('shares one fetch between requests for the same layer that arrive while it runs', async () => {
    let finish!: () => void;
    const started = new Promise<void>((resolve) => (finish = resolve));
    const { pullThrough, client } = pullThroughWith(async (sink) => {
      await started;
      return sink(Readable.from([Buffer.from('data')]));
    });

    const pulls = [pullThrough.blob(REPOSITORY, LAYER), pullThrough.blob(REPOSITORY, LAYER), pullThrough.blob(REPOSITORY, LAYER)];
    finish();
    await expect(Promise.all(pulls)).resolves.toEqual([4, 4, 4]);
    expect(client.downloadBlob).toHaveBeenCalledTimes(1);

    // Once settled, the next request starts its own.
    await pullThrough.blob(REPOSITORY, LAYER);
    expect(client.downloadBlob).toHaveBeenCalledTimes(2);
  });

  it('fetches nothing when a fetch that just ended kept the layer already', async () => {
    const { pullThrough, records, client } = pullThroughWith((sink) => sink(Readable.from([Buffer.from('data')])));
    records.linkedBlobSize.mockResolvedValueOnce(4);
    await expect(pullThrough.blob(REPOSITORY, LAYER)).resolves.toBe(4);
    expect(client.downloadBlob).not.toHaveBeenCalled();
  });

  it('answers BLOB_UNKNOWN 404 when the origin lacks the layer, and 503 when it cannot be reached', async () => {
    const missing = pullThroughWith(async () => {
      throw new BlobNotFoundError('quay.io', 'team/app', LAYER);
    });
    await expect(missing.pullThrough.blob(REPOSITORY, LAYER)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN', status: 404 });

    const down = pullThroughWith(async () => {
      throw new RegistryConnectionError('https://quay.io', 'ECONNREFUSED');
    });
    await expect(down.pullThrough.blob(REPOSITORY, LAYER)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN', status: 503 });
    expect(down.records.linkBlob).not.toHaveBeenCalled();
  });

  it('keeps nothing that does not match the digest, and lets its own storage failures through as they are', async () => {
    const mismatched = pullThroughWith((sink) => sink(Readable.from([Buffer.from('data')])));
    mismatched.store.commitUpload.mockRejectedValueOnce(new DigestMismatchError(LAYER, `sha256:${'00'.repeat(32)}`));
    await expect(mismatched.pullThrough.blob(REPOSITORY, LAYER)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN', status: 404 });
    expect(mismatched.store.deleteUpload).toHaveBeenCalled();
    expect(mismatched.records.linkBlob).not.toHaveBeenCalled();

    const diskFull = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const full = pullThroughWith((sink) => sink(Readable.from([Buffer.from('data')])));
    full.store.appendToUpload.mockRejectedValueOnce(diskFull);
    await expect(full.pullThrough.blob(REPOSITORY, LAYER)).rejects.toBe(diskFull);
    expect(full.store.deleteUpload).toHaveBeenCalled();
  });

  it('asks no one when pull-through is off', async () => {
    const records = { pullOriginOfBlob: jest.fn() };
    const pullThrough = new PullThrough({} as BlobStore, records as unknown as RegistryRecordsRepository, {} as OwnerClient, null);
    await expect(pullThrough.blob(REPOSITORY, LAYER)).resolves.toBeUndefined();
    await expect(pullThrough.manifest(REPOSITORY, LAYER)).resolves.toBeUndefined();
    expect(records.pullOriginOfBlob).not.toHaveBeenCalled();
  });
});

describe('PullThrough streamed blobs (a whole-layer GET)', () => {
  it('hands the first request the bytes as they arrive, ending them only once the kept copy is committed', async () => {
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => (commit = resolve));
    const { pullThrough, store, records } = pullThroughWith((sink) => sink(Readable.from([Buffer.from('da'), Buffer.from('ta')]), { size: 4, url: ORIGIN_URL }));
    store.commitUpload.mockImplementationOnce(async () => {
      await committed;
      return { digest: LAYER, size: 4 };
    });

    const streamed = await pullThrough.streamBlob(REPOSITORY, LAYER);
    expect(streamed?.size).toBe(4);
    let ended = false;
    const reading = readAll(streamed?.body as Readable).then((text) => ((ended = true), text));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toBe(false);
    commit();
    await expect(reading).resolves.toBe('data');
    await pullThrough.blob(REPOSITORY, LAYER);
    expect(records.linkBlob).toHaveBeenCalledWith('team/app', LAYER, 4);
  });

  it('breaks off the handed-out bytes when the kept copy does not match the digest', async () => {
    const { pullThrough, store, records } = pullThroughWith((sink) => sink(Readable.from([Buffer.from('data')]), { size: 4, url: ORIGIN_URL }));
    store.commitUpload.mockRejectedValueOnce(new DigestMismatchError(LAYER, `sha256:${'00'.repeat(32)}`));

    const streamed = await pullThrough.streamBlob(REPOSITORY, LAYER);
    await expect(readAll(streamed?.body as Readable)).rejects.toBeInstanceOf(DigestMismatchError);
    expect(records.linkBlob).not.toHaveBeenCalled();
  });

  it('serves a request that finds the fetch running from the store afterwards, and one without a known length likewise', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { pullThrough } = pullThroughWith(async (sink) => {
      await released;
      return sink(Readable.from([Buffer.from('data')]), { url: ORIGIN_URL });
    });
    const first = pullThrough.streamBlob(REPOSITORY, LAYER);
    const second = pullThrough.streamBlob(REPOSITORY, LAYER);
    release();
    await expect(first).resolves.toEqual({ size: 4 });
    await expect(second).resolves.toEqual({ size: 4 });
  });

  it('rejects the request with the registry error when the origin refuses before any byte', async () => {
    const { pullThrough } = pullThroughWith(async () => {
      throw new BlobNotFoundError('quay.io', 'team/app', LAYER);
    });
    await expect(pullThrough.streamBlob(REPOSITORY, LAYER)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN', status: 404 });
  });
});

