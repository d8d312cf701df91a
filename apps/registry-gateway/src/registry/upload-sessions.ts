import { Injectable, type OnModuleInit } from '@nestjs/common';
import { isUploadSessionOf, issueUploadSessionId } from '@imagestreams/domain-registry';
import { RegistryKeyPurposes, RegistryTokenKeysRepository } from './auth/registry-token-keys.repository';
import type { RepositoryName } from './repository-name';

/**
 * Upload session ids, signed with a key every replica shares (the database's): any gateway, also
 * after a restart, tells from the id alone which repository a session was started in. Nothing
 * else about a session is stored beside its file, so the chunks of a push cost no database
 * statements (three per blob before: start, check-and-touch, check).
 */
@Injectable()
export class UploadSessions implements OnModuleInit {
  private key?: Buffer;

  constructor(private readonly keys: RegistryTokenKeysRepository) {}

  /** At start, after the migrations, as the token key is loaded. */
  async onModuleInit(): Promise<void> {
    this.key = await this.keys.sharedKey(RegistryKeyPurposes.uploadSession);
  }

  issue(repository: RepositoryName): string {
    return issueUploadSessionId(repository.full, this.ready());
  }

  /** False for an id issued for another repository, a forged one, and anything that is no session id. */
  belongsTo(id: string, repository: RepositoryName): boolean {
    return isUploadSessionOf(id, repository.full, this.ready());
  }

  private ready(): Buffer {
    if (!this.key) throw new Error('upload session key not loaded yet');
    return this.key;
  }
}
