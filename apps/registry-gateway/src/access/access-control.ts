import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  ANONYMOUS,
  authorize,
  bearerToken,
  CLUSTER_ADMINS_GROUP,
  hashAccessToken,
  looksLikeAccessToken,
  parseBasicCredentials,
  serviceAccountIdentity,
  userIdentity,
  type Decision,
  type Identity,
  type RequestAttributes,
} from '@imagestreams/domain-access';
import { AccessChanges } from './access-changes';
import { ACCESS_SETTINGS, type AccessSettings } from './access-settings';
import { AccessTokensRepository, type TokenOwner } from './access-tokens.repository';
import { AuthenticationFailed } from './authentication-failed';
import { PolicyStore } from './rbac/policy-store';
import { TokenCache } from './token-cache';

/** How long an authenticated token is trusted without asking Postgres (revocation reaches other replicas by notification, or after this). */
const TOKEN_CACHE_TTL_MS = 5_000;

/** Who everybody is with AUTHORIZATION=disabled: Kubernetes' superuser group. */
const UNCHECKED_CALLER: Identity = Object.freeze(userIdentity('admin', [CLUSTER_ADMINS_GROUP]));
const UNCHECKED: Decision = Object.freeze({ allowed: true, reason: 'access control is disabled (AUTHORIZATION=disabled)' });

function identityOf(owner: TokenOwner): Identity {
  const { subject } = owner;
  return subject.kind === 'ServiceAccount' && subject.namespace !== undefined ? serviceAccountIdentity(subject.namespace, subject.name) : userIdentity(subject.name, owner.groups);
}

/**
 * The gateway's two questions about a caller (docs/access-control.md): who is it (an access token,
 * or nobody), and may it do this (RBAC over PolicyStore's snapshot). Every HTTP edge asks these
 * before anything reaches an owning service.
 */
@Injectable()
export class AccessControl implements OnModuleInit {
  readonly enabled: boolean;
  private readonly logger = new Logger(AccessControl.name);
  private readonly cache = new TokenCache<TokenOwner>(TOKEN_CACHE_TTL_MS);

  constructor(
    @Inject(ACCESS_SETTINGS) settings: AccessSettings,
    private readonly tokens: AccessTokensRepository,
    private readonly policy: PolicyStore,
    private readonly changes: AccessChanges,
  ) {
    this.enabled = settings.enabled;
  }

  onModuleInit(): void {
    if (!this.enabled) this.logger.warn('AUTHORIZATION=disabled: access control is off and every caller acts as cluster-admin');
    this.changes.onChange(() => this.cache.clear());
  }

  /**
   * The caller of a request from its `Authorization` header: none is anonymous; `Bearer <token>`
   * (and, where `allowBasic`, `Basic` with the token as password) is the token's user or service
   * account. Anything else presented is refused rather than read as anonymous.
   */
  async authenticate(authorization: string | undefined, options: { allowBasic?: boolean } = {}): Promise<Identity> {
    if (!this.enabled) return UNCHECKED_CALLER;
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
    const token = bearerToken(authorization) ?? (options.allowBasic ? parseBasicCredentials(authorization)?.password : undefined);
    if (token === undefined) throw new AuthenticationFailed('unsupported authorization scheme');
    if (!looksLikeAccessToken(token)) throw new AuthenticationFailed('malformed token');
    const hash = hashAccessToken(token);
    const owner = await this.ownerOf(hash);
    if (!owner) throw new AuthenticationFailed('unknown or revoked token');
    if (owner.expiresAt !== null && owner.expiresAt.getTime() <= Date.now()) throw new AuthenticationFailed('expired token');
    return identityOf(owner);
  }

  async authorize(identity: Identity, request: RequestAttributes): Promise<Decision> {
    if (!this.enabled) return UNCHECKED;
    return authorize(identity, request, await this.policy.snapshot());
  }

  /** After a revocation or a deletion of a subject: forget here at once, and tell the other replicas. */
  credentialsChanged(): void {
    this.cache.clear();
    this.changes.announce();
  }

  private async ownerOf(hash: string): Promise<TokenOwner | undefined> {
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const generation = this.cache.snapshot();
    const owner = await this.tokens.ownerOf(hash);
    if (!owner) return undefined;
    this.cache.set(hash, owner, generation);
    if (owner.lastUsedAt === null || Date.now() - owner.lastUsedAt.getTime() > 60_000) {
      // Bookkeeping only: the request does not wait for it, and a failure is not the caller's problem.
      this.tokens.markUsed(hash).catch((error: unknown) => this.logger.warn(`could not record a token's use: ${error instanceof Error ? error.message : String(error)}`));
    }
    return owner;
  }
}
