import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { FilesystemBlobStore } from '@imagestreams/platform-blob-storage';
import { ConfigValidationError, loadConfig } from '@imagestreams/platform-config';
import { startS3Server, type S3Server } from '@imagestreams/testing';
import { createHash } from 'node:crypto';
import { RegistryGatewayConfig } from '../registry-gateway.config';
import { createBlobStore } from './blob-store.provider';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(RegistryGatewayConfig, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  return [];
}

describe('blob store selection (BLOB_STORE)', () => {
  it('defaults to the filesystem driver under DATA_DIR', () => {
    const config = loadConfig(RegistryGatewayConfig, {});
    expect(config.BLOB_STORE).toBe('filesystem');
    expect(createBlobStore('/tmp/unused', config)).toBeInstanceOf(FilesystemBlobStore);
  });

  it('validates the S3 settings when BLOB_STORE=s3', () => {
    expect(problemsOf({ BLOB_STORE: 'gcs' }).join('\n')).toMatch(/BLOB_STORE/);
    expect(problemsOf({ BLOB_STORE: 's3' }).join('\n')).toMatch(/S3_BUCKET: must be an S3 bucket name/);
    expect(problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'Not_A_Bucket' })).toHaveLength(1);
    expect(problemsOf({ S3_BUCKET: '' })).toEqual([]); // not needed for the filesystem driver
    expect(problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'registry', S3_ENDPOINT: 'minio:9000' }).join('\n')).toMatch(/S3_ENDPOINT/);
    expect(problemsOf({ S3_FORCE_PATH_STYLE: 'yes' }).join('\n')).toMatch(/S3_FORCE_PATH_STYLE/);
  });

  it('wants both static credentials or neither, and never prints the secret', () => {
    const problems = problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'registry', S3_SECRET_ACCESS_KEY: 'very-secret-value' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^S3_ACCESS_KEY_ID: must be set when S3_SECRET_ACCESS_KEY is/);
    expect(problems.join('\n')).not.toContain('very-secret-value');
    expect(problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'registry', S3_ACCESS_KEY_ID: 'id' }).join('\n')).toMatch(/^S3_SECRET_ACCESS_KEY: must be set/);
    expect(problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'registry', S3_ACCESS_KEY_ID: 'id', S3_SECRET_ACCESS_KEY: 'secret' })).toEqual([]);
  });

  describe('with BLOB_STORE=s3 against a real S3-compatible server', () => {
    let server: S3Server;

    beforeAll(async () => {
      server = await startS3Server();
      const admin = new S3Client({ endpoint: server.endpoint, region: server.region, credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey }, forcePathStyle: true });
      await admin.send(new CreateBucketCommand({ Bucket: 'registry' }));
      admin.destroy();
    }, 30_000);

    afterAll(async () => {
      await server?.stop();
    });

    it('stores and serves blobs in the configured bucket', async () => {
      const config = loadConfig(RegistryGatewayConfig, {
        BLOB_STORE: 's3',
        S3_ENDPOINT: server.endpoint,
        S3_BUCKET: 'registry',
        S3_REGION: server.region,
        S3_ACCESS_KEY_ID: server.accessKeyId,
        S3_SECRET_ACCESS_KEY: server.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      });
      const store = createBlobStore('/tmp/unused', config);
      expect(store.constructor.name).toBe('S3BlobStore');
      const bytes = Buffer.from('{"schemaVersion":2}');
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      await store.putBytes(digest, bytes);
      expect(await store.readAll(digest, 100)).toEqual(bytes);
      expect(await store.stat(digest)).toEqual({ digest, size: bytes.length });
    });
  });
});
