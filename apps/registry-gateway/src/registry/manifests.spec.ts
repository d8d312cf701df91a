import { BlobNotFoundError, type BlobStore } from '@imagestreams/platform-blob-storage';
import { Manifests } from './manifests';
import type { PullThrough } from './pull-through';
import type { ManifestRecord, RegistryRecordsRepository } from './registry-records.repository';
import { repositoryName } from './repository-name';
import type { OwnerClient } from '@imagestreams/platform-messaging';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 2 }, layers: [] }));
const digest = `sha256:${'a'.repeat(64)}`;
const record: ManifestRecord = { digest, mediaType: OCI_MANIFEST, size: bytes.length, blobDigests: [], childDigests: [] };

/**
 * A pull reads a manifest's bytes while it looks up the repository's record. When another request
 * pulls the same manifest through at that moment, the bytes may not be stored when the read begins
 * and yet the record is there when the lookup runs (the other request finished in between).
 */
function manifestsWith(readAll: BlobStore['readAll']) {
  const store = { readAll } as unknown as BlobStore;
  const records = { manifest: jest.fn(async () => record) } as unknown as RegistryRecordsRepository;
  return new Manifests(store, records, {} as OwnerClient, {} as PullThrough);
}

describe('Manifests.read', () => {
  const repository = repositoryName('team-a', 'web');

  it('serves a manifest whose bytes were stored by a concurrent pull-through after its first read found none', async () => {
    const readAll = jest.fn<Promise<Buffer>, [string, number]>().mockRejectedValueOnce(new BlobNotFoundError(digest)).mockResolvedValueOnce(bytes);
    const read = await manifestsWith(readAll).read(repository, digest, OCI_MANIFEST);
    expect(read).toEqual({ digest, mediaType: OCI_MANIFEST, bytes });
    expect(readAll).toHaveBeenCalledTimes(2);
  });

  it('reads once when the bytes are there', async () => {
    const readAll = jest.fn<Promise<Buffer>, [string, number]>().mockResolvedValue(bytes);
    await expect(manifestsWith(readAll).read(repository, digest, OCI_MANIFEST)).resolves.toMatchObject({ bytes });
    expect(readAll).toHaveBeenCalledTimes(1);
  });

  it('fails as before when the bytes are missing for good, and does not retry other store failures', async () => {
    const missing = jest.fn<Promise<Buffer>, [string, number]>().mockRejectedValue(new BlobNotFoundError(digest));
    await expect(manifestsWith(missing).read(repository, digest, OCI_MANIFEST)).rejects.toBeInstanceOf(BlobNotFoundError);
    expect(missing).toHaveBeenCalledTimes(2);
    const broken = jest.fn<Promise<Buffer>, [string, number]>().mockRejectedValue(new Error('EIO'));
    await expect(manifestsWith(broken).read(repository, digest, OCI_MANIFEST)).rejects.toThrow('EIO');
    expect(broken).toHaveBeenCalledTimes(1);
  });
});

describe('Manifests references', () => {
  const repository = repositoryName('team-a', 'web');

  it('answers a pull or delete by a reference that is not a valid tag with 404 MANIFEST_UNKNOWN, a malformed digest with 400 DIGEST_INVALID', async () => {
    const manifests = manifestsWith(jest.fn());
    await expect(manifests.read(repository, '.INVALID_MANIFEST_NAME', OCI_MANIFEST)).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN', status: 404 });
    await expect(manifests.read(repository, 'sha256:totallywrong', OCI_MANIFEST)).rejects.toMatchObject({ code: 'DIGEST_INVALID', status: 400 });
    await expect(manifests.delete(repository, '.INVALID_MANIFEST_NAME')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN', status: 404 });
  });
});
