import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hashAccessToken, looksLikeAccessToken, newAccessToken } from '@imagestreams/domain-access';
import type { DataSource } from 'typeorm';
import { ACCESS_SETTINGS, type AccessSettings } from './access-settings';
import { AccessTokensRepository } from './access-tokens.repository';
import { UsersRepository } from './users.repository';

/** The user BOOTSTRAP_ADMIN_TOKEN authenticates; RBAC binds it to cluster-admin (a built-in ClusterRoleBinding). */
export const BOOTSTRAP_ADMIN_USER = 'admin';

/**
 * Someone must be able to call the gateway on day one. With BOOTSTRAP_ADMIN_TOKEN set, user
 * `admin` exists and that token is its bootstrap token (a changed setting replaces the old one);
 * without it, the first start of an empty database generates a token and logs it once, the only
 * place a token is ever logged. Replicas starting together take turns under an advisory lock.
 */
@Injectable()
export class BootstrapAdmin implements OnModuleInit {
  private readonly logger = new Logger(BootstrapAdmin.name);

  constructor(
    @Inject(ACCESS_SETTINGS) private readonly settings: AccessSettings,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly tokens: AccessTokensRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    const configured = this.settings.bootstrapAdminToken;
    // Checked here rather than in the config class, whose errors quote the value: this one is a secret.
    if (configured !== '' && !looksLikeAccessToken(configured)) {
      throw new Error('BOOTSTRAP_ADMIN_TOKEN must be an access token: ist_ followed by 43 base64url characters');
    }
    const generated = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['imagestreams-bootstrap-admin']);
      if (configured === '' && (await this.users.any(manager))) return undefined;
      const token = configured === '' ? newAccessToken() : { token: configured, hash: hashAccessToken(configured) };
      await this.users.insert({ name: BOOTSTRAP_ADMIN_USER, groups: [] }, manager);
      await this.tokens.dropOtherBootstrapToken(manager, token.hash);
      await this.tokens.insert({ hash: token.hash, subject: { kind: 'User', name: BOOTSTRAP_ADMIN_USER }, description: 'bootstrap admin token', bootstrap: true }, manager);
      return configured === '' ? token.token : undefined;
    });
    if (generated !== undefined) this.logger.warn(`bootstrap admin token: ${generated}`);
  }
}
