import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { startS3Server, type S3Server } from '@imagestreams/testing';
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describeBlobStoreContract, type BlobStoreHarness } from './blob-store.contract';
import { createS3Client, S3BlobStore, type S3BlobStoreOptions } from './s3-blob-store';

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

// Every request here goes through an S3 emulator (s3rver) that shares two cores with the rest of CI: a
// test of 20 concurrent uploads (about 200 requests) took 1.3 s alone and over 5 s under CI's load.
// These tests are about behaviour, not speed, so they get room.
jest.setTimeout(30_000);

let server: S3Server;
let client: S3Client;
let buckets = 0;

beforeAll(async () => {
  server = await startS3Server();
  client = connect();
}, 30_000);

afterAll(async () => {
  client?.destroy();
  await server?.stop();
});

function connect(): S3Client {
  return createS3Client({ endpoint: server.endpoint, region: server.region, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey, forcePathStyle: true });
}

/** A client that records every command it sends (name and input). */
function recordingClient(): { client: S3Client; sent: { name: string; input: Record<string, unknown> }[] } {
  const recording = connect();
  const sent: { name: string; input: Record<string, unknown> }[] = [];
  recording.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ name: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  return { client: recording, sent };
}

async function newBucket(): Promise<string> {
  const bucket = `blobs-${process.pid}-${++buckets}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

async function keysIn(bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
    keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

async function dropBucket(bucket: string): Promise<void> {
  for (const key of await keysIn(bucket)) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * Small parts (128 KiB) so the contract's appends span several part objects: a failing append then
 * has parts to roll back, and a 64 MiB upload shows its progress in storage while it streams.
 */
function s3Harness(options: Partial<S3BlobStoreOptions> = { partSize: 128 * 1024 }): BlobStoreHarness {
  let bucket = '';
  const make = () => new S3BlobStore({ client, bucket, ...options });
  return {
    async create() {
      bucket = await newBucket();
      return make();
    },
    reopen: make,
    untouched() {
      let requests = 0;
      const counting = connect();
      counting.middlewareStack.add(
        (next) => async (args) => {
          requests++;
          return next(args);
        },
        { step: 'initialize', name: 'countRequests' },
      );
      return { store: new S3BlobStore({ client: counting, bucket: `${bucket}-never-created` }), touched: async () => requests > 0 };
    },
    storedKeys: (prefix = '') => keysIn(bucket, prefix),
    uploadsPrefix: 'uploads/',
    blobKey(digest) {
      const [algorithm, hex] = digest.split(':') as [string, string];
      return `blobs/${algorithm}/${hex}`;
    },
    async readStored(key) {
      const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!response.Body) throw new Error(`${key} has no body`);
      return Buffer.from(await response.Body.transformToByteArray());
    },
    storedSize: async (key) => (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ContentLength ?? -1,
    async addForeignEntries() {
      for (const key of ['blobs/sha256/README', 'blobs/sha256/zz/zz', `blobs/sha256/${'a'.repeat(63)}`, `blobs/sha512/${'b'.repeat(64)}`]) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'not a blob' }));
      }
    },
    async destroy() {
      await dropBucket(bucket);
    },
  };
}

describeBlobStoreContract('S3BlobStore on s3rver', () => s3Harness(), { largeUploadTimeoutMs: 120_000 });

describe('S3BlobStore', () => {
  let bucket: string;

  beforeEach(async () => {
    bucket = await newBucket();
  });

  afterEach(async () => {
    await dropBucket(bucket);
  });

  async function upload(store: S3BlobStore, ...chunks: Buffer[]): Promise<{ id: string; content: Buffer }> {
    const id = randomUUID();
    await store.startUpload(id);
    let offset = 0;
    for (const chunk of chunks) offset = await store.appendToUpload(id, offset, Readable.from([chunk]));
    return { id, content: Buffer.concat(chunks) };
  }

  const partSizesOf = (sent: { name: string; input: Record<string, unknown> }[]) =>
    sent.filter((command) => command.name === 'UploadPartCommand').map((command) => Number(command.input['ContentLength']));

  it('stores an append as part objects of partSize bytes under uploads/<id>/', async () => {
    const store = new S3BlobStore({ client, bucket, partSize: 4 });
    const { id } = await upload(store, Buffer.from('0123456789'), Buffer.from('ab'));
    expect(await keysIn(bucket)).toEqual(
      [`uploads/${id}/session`, ...[0, 4, 8, 10].map((offset) => `uploads/${id}/part-${String(offset).padStart(16, '0')}`)].sort(),
    );
    expect(await store.uploadSize(id)).toBe(12);
  });

  it('commits a one-part upload with a server-side copy, without reading it back', async () => {
    const { client: recording, sent } = recordingClient();
    const store = new S3BlobStore({ client: recording, bucket });
    const { id, content } = await upload(store, Buffer.alloc(100_000, 3));
    sent.length = 0;
    await store.commitUpload(id, sha256(content));
    expect(sent.map((command) => command.name)).not.toContain('GetObjectCommand');
    expect(sent.filter((command) => command.name === 'CopyObjectCommand')).toEqual([
      { name: 'CopyObjectCommand', input: expect.objectContaining({ CopySource: `${bucket}/uploads/${id}/part-${'0'.repeat(16)}`, Key: `blobs/sha256/${sha256(content).slice(7)}` }) },
    ]);
    expect(await keysIn(bucket)).toEqual([`blobs/sha256/${sha256(content).slice(7)}`]);
    recording.destroy();
  });

  it('composes a large upload with a multipart upload, falling back from UploadPartCopy on a server without it', async () => {
    const { client: recording, sent } = recordingClient();
    const store = new S3BlobStore({ client: recording, bucket }); // 8 MiB parts
    const first = await upload(store, Buffer.alloc(9 * MiB, 1), Buffer.alloc(100, 2));
    sent.length = 0;
    await expect(store.commitUpload(first.id, sha256(first.content))).resolves.toEqual({ digest: sha256(first.content), size: first.content.length });
    // s3rver answers UploadPartCopy with 501: the 8 MiB part is read back and uploaded instead.
    expect(sent.filter((command) => command.name === 'UploadPartCopyCommand')).toHaveLength(1);
    expect(partSizesOf(sent)).toEqual([8 * MiB, 1 * MiB + 100]);
    expect(sha256(await store.readAll(sha256(first.content), 20 * MiB))).toBe(sha256(first.content));

    // The store remembers: no further UploadPartCopy attempts.
    const second = await upload(store, Buffer.alloc(9 * MiB, 4), Buffer.alloc(7, 5));
    sent.length = 0;
    await store.commitUpload(second.id, sha256(second.content));
    expect(sent.filter((command) => command.name === 'UploadPartCopyCommand')).toHaveLength(0);
    expect(sha256(await store.readAll(sha256(second.content), 20 * MiB))).toBe(sha256(second.content));
    recording.destroy();
  }, 60_000);

  it('never sends a multipart part under 5 MiB but the last when composing small parts', async () => {
    const { client: recording, sent } = recordingClient();
    const store = new S3BlobStore({ client: recording, bucket, partSize: 3 * MiB });
    const { id, content } = await upload(store, Buffer.from('a small first chunk'), Buffer.alloc(12 * MiB, 6), Buffer.from('!'));
    sent.length = 0;
    await store.commitUpload(id, sha256(content));
    const sizes = partSizesOf(sent);
    expect(sizes.slice(0, -1).every((size) => size >= 5 * MiB)).toBe(true);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(content.length);
    expect(sha256(await store.readAll(sha256(content), 20 * MiB))).toBe(sha256(content));
    expect(await keysIn(bucket, 'uploads/')).toEqual([]);
    recording.destroy();
  }, 60_000);

  it('re-stamps a blob that is already stored by copying it onto itself instead of rewriting it', async () => {
    const { client: recording, sent } = recordingClient();
    const store = new S3BlobStore({ client: recording, bucket });
    const bytes = Buffer.from('{"schemaVersion":2}');
    await store.putBytes(sha256(bytes), bytes);
    const key = `blobs/sha256/${sha256(bytes).slice(7)}`;

    sent.length = 0;
    await store.putBytes(sha256(bytes), bytes);
    const { id } = await upload(store, bytes);
    await store.commitUpload(id, sha256(bytes));
    const writesOfBlob = sent.filter((command) => command.input['Key'] === key && command.name !== 'HeadObjectCommand');
    expect(writesOfBlob).toEqual([
      { name: 'CopyObjectCommand', input: expect.objectContaining({ CopySource: `${bucket}/${key}`, MetadataDirective: 'REPLACE' }) },
      { name: 'CopyObjectCommand', input: expect.objectContaining({ CopySource: `${bucket}/${key}`, MetadataDirective: 'REPLACE' }) },
    ]);
    expect(await keysIn(bucket)).toEqual([key]);
    recording.destroy();
  });

  it('ignores parts past a gap (leftovers of an interrupted rollback) and removes them on the next append', async () => {
    const store = new S3BlobStore({ client, bucket, partSize: 4 });
    const { id } = await upload(store, Buffer.from('abcdef'));
    const stray = `uploads/${id}/part-${String(100).padStart(16, '0')}`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: stray, Body: 'stray' }));

    expect(await store.uploadSize(id)).toBe(6);
    expect(await store.appendToUpload(id, 6, Readable.from([Buffer.from('gh')]))).toBe(8);
    expect(await keysIn(bucket, `uploads/${id}/`)).not.toContain(stray);
    await expect(new S3BlobStore({ client, bucket }).commitUpload(id, sha256(Buffer.from('abcdefgh')))).resolves.toMatchObject({ size: 8 });
  });

  it('lists parts left without a session (an append that raced a delete) so cleanup removes them', async () => {
    const store = new S3BlobStore({ client, bucket });
    const id = randomUUID();
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `uploads/${id}/part-${'0'.repeat(16)}`, Body: 'orphan' }));
    expect(await store.uploadSize(id)).toBeUndefined();
    const uploads: { id: string; size: number }[] = [];
    for await (const upload of store.listUploads()) uploads.push({ id: upload.id, size: upload.size });
    expect(uploads).toEqual([{ id, size: 6 }]);
    expect(await store.deleteUpload(id)).toBe(true);
    expect(await keysIn(bucket)).toEqual([]);
  });

  it('rejects an unusable configuration', () => {
    expect(() => new S3BlobStore({ client, bucket: '' })).toThrow(/bucket/);
    expect(() => new S3BlobStore({ client, bucket, partSize: 0 })).toThrow(RangeError);
    expect(() => new S3BlobStore({ client, bucket, partSize: 6 * 1024 * MiB })).toThrow(RangeError);
  });
});
