import type { BlobStore } from '@imagestreams/platform-blob-storage';
import { RegistryError } from '@imagestreams/domain-registry';
import { Blobs } from './blobs';
import type { RegistryRecordsRepository } from './registry-records.repository';
import { repositoryName } from './repository-name';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REPOSITORY = repositoryName('team', 'app');

function blobsWith(store: { statIsLocal: boolean; stored?: number }, linkedSize: number | undefined) {
  const stat = jest.fn(async () => (store.stored === undefined ? undefined : { digest: DIGEST, size: store.stored }));
  const linkedBlobSize = jest.fn(async () => linkedSize);
  const blobs = new Blobs({ statIsLocal: store.statIsLocal, stat } as unknown as BlobStore, { linkedBlobSize } as unknown as RegistryRecordsRepository);
  return { blobs, stat, linkedBlobSize };
}

describe('Blobs HEAD', () => {
  it('answers BLOB_UNKNOWN without asking the database when a local store lacks the file', async () => {
    const { blobs, linkedBlobSize } = blobsWith({ statIsLocal: true }, 10);

    await expect(blobs.read(REPOSITORY, DIGEST, undefined, false)).rejects.toMatchObject({ code: 'BLOB_UNKNOWN' });
    expect(linkedBlobSize).not.toHaveBeenCalled();
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
