import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStoreContract, type BlobStoreHarness } from './blob-store.contract';
import { FilesystemBlobStore } from './index';

/** Every regular file under dir, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

/** The filesystem layout: `blobs/<alg>/<first 2 hex>/<hex>` and `uploads/<id>` under a temp dir. */
function filesystemHarness(): BlobStoreHarness {
  let root = '';
  return {
    async create() {
      root = await mkdtemp(join(tmpdir(), 'blob-store-'));
      return new FilesystemBlobStore(root);
    },
    reopen: () => new FilesystemBlobStore(root),
    untouched() {
      const fresh = join(root, 'never-created');
      return { store: new FilesystemBlobStore(fresh), touched: async () => existsSync(fresh) };
    },
    async storedKeys(prefix = '') {
      return (await filesUnder(root)).filter((file) => file.startsWith(prefix)).sort();
    },
    uploadsPrefix: 'uploads',
    blobKey(digest) {
      const [algorithm, hex] = digest.split(':') as [string, string];
      return join('blobs', algorithm, hex.slice(0, 2), hex);
    },
    readStored: (key) => readFile(join(root, key)),
    storedSize: async (key) => (await stat(join(root, key))).size,
    async addForeignEntries() {
      await writeFile(join(root, 'blobs', 'sha256', 'README'), 'not a blob');
      await mkdir(join(root, 'blobs', 'sha256', 'zz'));
      await writeFile(join(root, 'blobs', 'sha256', 'zz', 'zz'), 'not a blob either');
    },
    async destroy() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

describeBlobStoreContract('FilesystemBlobStore', filesystemHarness);
