import { Readable } from 'node:stream';
import type { BlobStore } from '@imagestreams/platform-blob-storage';
import { RegistryError } from '@imagestreams/domain-registry';
import { Blobs } from './blobs';
import type { PullThrough } from './pull-through';
import type { RegistryRecordsRepository } from './registry-records.repository';
import { repositoryName } from './repository-name';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REPOSITORY = repositoryName('team', 'app');

/** `pulledSize`: what pull-through fetches (undefined: the blob is no layer of a pulled-through image). */
function blobsWith(store: { statIsLocal: boolean; stored?: number }, linkedSize: number | undefined, pulledSize?: number) {
  const stat = jest.fn(async () => (store.stored === undefined ? undefined : { digest: DIGEST, size: store.stored }));
  const linkedBlobSize = jest.fn(async () => linkedSize);
  const pullBlob = jest.fn(async () => pulledSize);
  const streamBlob = jest.fn(async () => (pulledSize === undefined ? undefined : { size: pulledSize, body: Readable.from([Buffer.alloc(pulledSize)]) }));
  const open = jest.fn(async () => Readable.from([Buffer.alloc(store.stored ?? 0)]));
  const blobs = new Blobs(
    { statIsLocal: store.statIsLocal, stat, open } as unknown as BlobStore,
    { linkedBlobSize } as unknown as RegistryRecordsRepository,
    { blob: pullBlob, streamBlob } as unknown as PullThrough,
  );
  return { blobs, stat, open, linkedBlobSize, pullBlob, streamBlob };
}

describe('Blobs size', () => {
  it('serves a linked blob without pulling anything through', async () => {
    const { blobs, pullBlob } = blobsWith({ statIsLocal: true, stored: 10 }, 10, 99);
    await expect(blobs.size(REPOSITORY, DIGEST)).resolves.toBe(10);
    expect(pullBlob).not.toHaveBeenCalled();
  });

  it('pulls an unlinked blob through when a pulled-through image references it, else BLOB_UNKNOWN', async () => {
    await expect(blobsWith({ statIsLocal: true }, undefined, 99).blobs.size(REPOSITORY, DIGEST)).resolves.toBe(99);
    await expect(blobsWith({ statIsLocal: true }, undefined, undefined).blobs.size(REPOSITORY, DIGEST)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
  });
});

describe('Blobs GET', () => {
  it('streams a whole layer of a pulled-through image as it is fetched, but fetches it whole for a range', async () => {
    const whole = blobsWith({ statIsLocal: true }, undefined, 42);
    const read = await whole.blobs.read(REPOSITORY, DIGEST, undefined, true);
    expect(read.size).toBe(42);
    expect(whole.streamBlob).toHaveBeenCalledWith(REPOSITORY, DIGEST);
    expect(whole.open).not.toHaveBeenCalled();

    const ranged = blobsWith({ statIsLocal: true }, undefined, 42);
    await expect(ranged.blobs.read(REPOSITORY, DIGEST, 'bytes=0-9', true)).resolves.toMatchObject({ size: 42, range: { start: 0, end: 9 } });
    expect(ranged.streamBlob).not.toHaveBeenCalled();
    expect(ranged.pullBlob).toHaveBeenCalledWith(REPOSITORY, DIGEST);
  });

  it('serves a linked blob from the store without pull-through', async () => {
    const { blobs, streamBlob, pullBlob, open } = blobsWith({ statIsLocal: true, stored: 10 }, 10, 99);
    await expect(blobs.read(REPOSITORY, DIGEST, undefined, true)).resolves.toMatchObject({ size: 10 });
    expect(open).toHaveBeenCalled();
    expect(streamBlob).not.toHaveBeenCalled();
    expect(pullBlob).not.toHaveBeenCalled();
  });

  it('answers BLOB_UNKNOWN when nothing serves the blob and nothing pulls it through', async () => {
    await expect(blobsWith({ statIsLocal: true }, undefined, undefined).blobs.read(REPOSITORY, DIGEST, undefined, true)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
  });
});

describe('Blobs HEAD', () => {
  it('answers BLOB_UNKNOWN without asking the database when a local store lacks the file, and starts no pull-through', async () => {
    const { blobs, linkedBlobSize, pullBlob } = blobsWith({ statIsLocal: true }, 10, 42);

    await expect(blobs.read(REPOSITORY, DIGEST, undefined, false)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
    expect(linkedBlobSize).not.toHaveBeenCalled();
    expect(pullBlob).not.toHaveBeenCalled();
  });

  it('answers a HEAD with the size pull-through fetched when the store is remote (its stat is a network call)', async () => {
    const { blobs } = blobsWith({ statIsLocal: false }, undefined, 42);

    await expect(blobs.read(REPOSITORY, DIGEST, 'bytes=2-9', false)).resolves.toEqual({ size: 42, range: { start: 2, end: 9 } });
  });

  it('asks the database whether this repository serves a blob the store has', async () => {
    const linked = blobsWith({ statIsLocal: true, stored: 10 }, 10);
    await expect(linked.blobs.read(REPOSITORY, DIGEST, undefined, false)).resolves.toEqual({ size: 10, range: undefined });

    const unlinked = blobsWith({ statIsLocal: true, stored: 10 }, undefined);
    await expect(unlinked.blobs.read(REPOSITORY, DIGEST, undefined, false)).rejects.toBeInstanceOf(RegistryError);
    expect(unlinked.linkedBlobSize).toHaveBeenCalledWith('team/app', DIGEST);
  });

  it('asks only the database when the store is remote (its stat is a network call)', async () => {
    const { blobs, stat } = blobsWith({ statIsLocal: false }, 10);

    await expect(blobs.read(REPOSITORY, DIGEST, undefined, false)).resolves.toEqual({ size: 10, range: undefined });
    expect(stat).not.toHaveBeenCalled();
  });

  it('refuses a malformed digest before touching the store', async () => {
    const { blobs, stat } = blobsWith({ statIsLocal: true }, 10);

    await expect(blobs.read(REPOSITORY, 'sha256:nothex', undefined, false)).rejects.toMatchObject({ code: 'DIGEST_INVALID' });
    expect(stat).not.toHaveBeenCalled();
  });
});
