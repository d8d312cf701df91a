import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ImageRequests, ImageStreamRequests, NamespaceResource, Statuses, StatusError, successStatus, type Namespace } from '@imagestreams/contracts';
import { loadConfig } from '@imagestreams/platform-config';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { AppModule } from '../app.module';
import { configureHttpEdge } from '../http/http-edge';
import { RegistryGatewayConfig } from '../registry-gateway.config';
import { FakeOwnerClient } from './test-gateway';

function namespaceObject(name: string): Namespace {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name, uid: randomUUID(), resourceVersion: '1', creationTimestamp: new Date().toISOString() },
    spec: { finalizers: [] },
    status: { phase: 'Active' },
  };
}

/**
 * For specs of what needs the gateway's own database (access control, the audit trail): a fresh
 * database on the test Postgres server, real NATS, and stand-in owners that keep namespaces in
 * memory. Replicas started from it share the database and NATS, as a scaled-out gateway does.
 */
export class GatewayWithDatabase {
  readonly owners = new FakeOwnerClient();
  readonly namespaces = new Set<string>();
  readonly databaseUrl: string;
  private readonly database: string;
  private readonly apps: INestApplication[] = [];
  private dataDir: string | undefined;
  private config: RegistryGatewayConfig | undefined;

  constructor(
    private readonly servers: { postgresUrl: string; natsUrl: string },
    prefix: string,
  ) {
    this.database = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const url = new URL(servers.postgresUrl);
    url.pathname = `/${this.database}`;
    this.databaseUrl = url.toString();
    this.owners.answer(ImageRequests.createNamespace, ({ namespace }) => {
      this.namespaces.add(namespace.metadata.name);
      return namespaceObject(namespace.metadata.name);
    });
    this.owners.answer(ImageRequests.getNamespace, ({ name }) => {
      if (!this.namespaces.has(name)) throw new StatusError(Statuses.notFound(NamespaceResource, name));
      return namespaceObject(name);
    });
    this.owners.answer(ImageStreamRequests.deleteNamespace, ({ name }) => {
      this.namespaces.delete(name);
      return successStatus(200, { name, group: '', kind: 'namespaces' });
    });
    this.owners.answer(ImageRequests.listImageStreams, () => ({ kind: 'ImageStreamList' as const, apiVersion: 'image.openshift.io/v1' as const, metadata: { resourceVersion: '1' }, items: [] }));
  }

  /** Creates the database and the data directory; `env` adds to the configuration (BOOTSTRAP_ADMIN_TOKEN, say). */
  async create(env: Record<string, string>): Promise<void> {
    await this.onServer(`CREATE DATABASE "${this.database}"`);
    this.dataDir = await mkdtemp(path.join(tmpdir(), `${this.database}-`));
    this.config = loadConfig(RegistryGatewayConfig, { LOG_LEVEL: 'silent', DATABASE_URL: this.databaseUrl, NATS_URL: this.servers.natsUrl, DATA_DIR: this.dataDir, ...env });
  }

  /** One more gateway process on the same database and NATS, wired as main.ts wires it. */
  async startReplica(): Promise<Server> {
    if (!this.config) throw new Error('create() first');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.register(this.config)] })
      .overrideProvider(OwnerClient)
      .useValue(this.owners)
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    configureHttpEdge(app, { maxBodyBytes: this.config.MAX_BODY_BYTES, registry: true });
    await app.init();
    this.apps.push(app);
    return app.getHttpServer() as Server;
  }

  /** The n-th replica started, for reaching its providers. */
  app(index: number): INestApplication {
    return this.apps[index];
  }

  async destroy(): Promise<void> {
    for (const app of this.apps) await app.close();
    await this.onServer(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    if (this.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  private async onServer(sql: string): Promise<void> {
    const client = new Client({ connectionString: this.servers.postgresUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
