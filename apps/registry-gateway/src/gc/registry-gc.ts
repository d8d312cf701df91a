import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { garbageCollect, type BlobStore } from '@imagestreams/platform-blob-storage';
import { loadConfig } from '@imagestreams/platform-config';
import { PersistenceModule } from '@imagestreams/platform-persistence';
import { CreateRegistrySchema1764300000000 } from '../migrations/1764300000000-create-registry-schema';
import { RegistryGatewayConfig } from '../registry-gateway.config';
import { BLOB_STORE, blobStoreProvider } from '../registry/blob-store.provider';
import { RegistryRecordsRepository } from '../registry/registry-records.repository';

/**
 * `npm run registry:gc`: deletes blobs (layers, configs, manifests) that no repository serves any
 * more. Content written within the grace period is kept, so a push in flight (blobs first,
 * manifest last) is never cut short. Prints what it did as one JSON line.
 */
async function main(): Promise<void> {
  const config = loadConfig(RegistryGatewayConfig);
  const graceMinutes = Number(process.argv.find((arg) => arg.startsWith('--grace-minutes='))?.split('=')[1] ?? 60);
  if (!Number.isFinite(graceMinutes) || graceMinutes < 0) throw new Error('--grace-minutes must be a non-negative number');

  @Module({
    imports: [PersistenceModule.forService({ url: config.DATABASE_URL, entities: [], schema: 'registry', migrations: [CreateRegistrySchema1764300000000] })],
    providers: [blobStoreProvider(config.DATA_DIR, config), RegistryRecordsRepository],
  })
  class RegistryGcModule {}

  const app = await NestFactory.createApplicationContext(RegistryGcModule, { logger: ['error', 'warn'] });
  try {
    const store = app.get<BlobStore>(BLOB_STORE);
    const records = app.get(RegistryRecordsRepository);
    const result = await garbageCollect(store, (digest) => records.isReferenced(digest), { olderThan: new Date(Date.now() - graceMinutes * 60_000) });
    process.stdout.write(`${JSON.stringify({ scanned: result.scanned, deleted: result.deleted.length, freedBytes: result.freedBytes })}\n`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`registry-gc: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
