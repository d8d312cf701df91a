import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  EXCLUDE_SECRET_ANNOTATION,
  ImageRequests,
  SecretResource,
  Statuses,
  StatusError,
  successStatus,
  type CreateSecretCommand,
  type RegistrySecretType,
  type Secret,
  type SecretList,
  type Status,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import type { SecretKeyRing } from '@imagestreams/platform-secrets';
import { dataKeyOf, parseAuths, type RegistryLogin } from './docker-config';
import { RegistrySecretsRepository, type RegistrySecretRow } from './registry-secrets.repository';

export const SECRET_SEALER = Symbol('SECRET_SEALER');

/** A namespace's registry logins, read once per unit of work (one request, one scheduler pass). */
export type LoginLookup = (namespace: string) => Promise<Map<string, RegistryLogin>>;

/** Secrets bigger than this are not registry credentials (Kubernetes caps any Secret at 1 MiB). */
const MAX_SECRET_DATA_BYTES = 256 * 1024;

/**
 * Registry credentials of a namespace (Kubernetes pull secrets), sealed at rest. Imports look up
 * the login for a registry host here; the API shows them as core v1 Secrets.
 */
@Injectable()
export class RegistrySecrets {
  constructor(
    private readonly secrets: RegistrySecretsRepository,
    private readonly owners: OwnerClient,
    @Inject(SECRET_SEALER) private readonly sealer: SecretKeyRing,
  ) {}

  async create(command: CreateSecretCommand): Promise<Secret> {
    const { namespace, secret } = command;
    const name = secret.metadata.name;
    const data = { ...(secret.data ?? {}) };
    for (const [key, value] of Object.entries(secret.stringData ?? {})) data[key] = Buffer.from(String(value)).toString('base64');
    this.validate(name, secret.type, data);
    // The namespace must exist: stream-service owns namespaces and answers 404 otherwise.
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    const row = await this.secrets.insert({
      namespace,
      name,
      uid: randomUUID(),
      type: secret.type,
      labels: secret.metadata.labels ?? {},
      annotations: secret.metadata.annotations ?? {},
      sealed_data: this.sealer.seal(Buffer.from(JSON.stringify(data))),
    });
    if (!row) throw new StatusError(Statuses.alreadyExists(SecretResource, name));
    return this.view(row);
  }

  async get(namespace: string, name: string): Promise<Secret> {
    const row = await this.secrets.find(namespace, name);
    if (!row) throw new StatusError(Statuses.notFound(SecretResource, name));
    return this.view(row);
  }

  async list(namespace: string): Promise<SecretList> {
    const rows = await this.secrets.list(namespace);
    return { kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: await this.secrets.currentVersion() }, items: rows.map((row) => this.view(row)) };
  }

  async delete(namespace: string, name: string): Promise<Status> {
    if (!(await this.secrets.delete(namespace, name))) throw new StatusError(Statuses.notFound(SecretResource, name));
    return successStatus(200, { name, kind: SecretResource.resource, group: '' });
  }

  /**
   * A lookup that reads each namespace's secrets once, however many images of the unit of work
   * need them: a scheduler pass over hundreds of tags would otherwise query and unseal per tag.
   */
  lookup(): LoginLookup {
    const read = new Map<string, Promise<Map<string, RegistryLogin>>>();
    return (namespace) => {
      let logins = read.get(namespace);
      if (!logins) {
        logins = this.loginsFor(namespace);
        read.set(namespace, logins);
      }
      return logins;
    };
  }

  /** Logins by registry host for imports into the namespace (excluded secrets left out). */
  async loginsFor(namespace: string): Promise<Map<string, RegistryLogin>> {
    const logins = new Map<string, RegistryLogin>();
    for (const row of await this.secrets.list(namespace)) {
      if (row.annotations[EXCLUDE_SECRET_ANNOTATION] === 'true') continue;
      const data = this.unsealData(row);
      const config = data[dataKeyOf(row.type)];
      const parsed = config ? parseAuths(row.type, safeJson(Buffer.from(config, 'base64').toString('utf8'))) : undefined;
      // Earlier secrets (by name) win, so the choice is stable.
      for (const [host, login] of parsed ?? []) if (!logins.has(host)) logins.set(host, login);
    }
    return logins;
  }

  private validate(name: string, type: string, data: Record<string, string>): void {
    const key = dataKeyOf(type);
    const field = `data[${key}]`;
    const invalid = (message: string) => new StatusError(Statuses.invalid(SecretResource, name, [{ reason: 'FieldValueInvalid', field, message }]));
    if (JSON.stringify(data).length > MAX_SECRET_DATA_BYTES) throw invalid(`secret data may not exceed ${MAX_SECRET_DATA_BYTES} bytes`);
    const config = data[key];
    if (typeof config !== 'string') {
      throw new StatusError(Statuses.invalid(SecretResource, name, [{ reason: 'FieldValueRequired', field, message: `a ${type} secret needs ${key}` }]));
    }
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(config)) throw invalid('must be base64');
    if (!parseAuths(type, safeJson(Buffer.from(config, 'base64').toString('utf8')))) throw invalid(`is not a ${type === 'kubernetes.io/dockercfg' ? 'dockercfg' : 'docker config.json'} document`);
  }

  private unsealData(row: RegistrySecretRow): Record<string, string> {
    return JSON.parse(this.sealer.unseal(row.sealed_data).toString('utf8')) as Record<string, string>;
  }

  /**
   * Credentials go in and are never answered back (not even to whoever stored them): the view
   * names the data keys, so a reader can see which kind of login a secret holds, with empty values.
   * Imports read the sealed values themselves (loginsFor).
   */
  private view(row: RegistrySecretRow): Secret {
    return {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: {
        name: row.name,
        namespace: row.namespace,
        uid: row.uid,
        resourceVersion: String(row.resource_version),
        creationTimestamp: row.created_at.toISOString(),
        ...(Object.keys(row.labels).length ? { labels: row.labels } : {}),
        ...(Object.keys(row.annotations).length ? { annotations: row.annotations } : {}),
      },
      type: row.type as RegistrySecretType,
      data: Object.fromEntries(Object.keys(this.unsealData(row)).map((key) => [key, ''])),
    };
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
