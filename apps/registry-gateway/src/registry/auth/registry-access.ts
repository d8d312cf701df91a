import { Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { RegistryRequests } from '@imagestreams/contracts';
import {
  bearerToken,
  isRegistryAction,
  registryActionAttributes,
  splitRepositoryName,
  type Identity,
  type RegistryAction,
  type ResourceAttributes,
  type Scope,
} from '@imagestreams/domain-access';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { AccessControl } from '../../access/access-control';
import { AuthenticationFailed } from '../../access/authentication-failed';
import type { RepositoryName } from '../repository-name';
import { looksLikeJwt } from './registry-token-codec';
import { accessAllows, accessAllowsCatalog, ALL_ACTIONS, type RegistryAccessEntry } from './registry-token-claims';
import { RegistryTokens } from './registry-tokens';

/**
 * Who is calling the registry and how their requests are decided:
 * - `open`: no access control in this app (or AUTHORIZATION=disabled); everything is allowed;
 * - `credentials`: an access token (Bearer or Basic) or no credentials at all: RBAC, asked live;
 * - `token`: a registry bearer token from `/v2/token`: what its access claim grants.
 */
export type RegistryCaller =
  | { via: 'open'; identity?: Identity }
  | { via: 'credentials'; identity: Identity }
  | { via: 'token'; identity: Identity; access: RegistryAccessEntry[] };

/**
 * - `unauthorized`: anonymous callers, who should log in (401 and a challenge);
 * - `insufficient_scope`: a registry token without the access, held by someone RBAC would allow:
 *   a 401 challenge makes the client fetch a token with the right scope, as distribution does;
 * - `denied`: an authenticated caller RBAC does not allow (403).
 */
export type AccessOutcome = 'allowed' | 'unauthorized' | 'insufficient_scope' | 'denied';

/** A push into a stream that does not exist yet creates it (with its namespace), so it needs that right too. */
function createStreamAttributes(namespace: string): ResourceAttributes {
  return { verb: 'create', apiGroup: 'image.openshift.io', resource: 'imagestreams', namespace };
}

/** The actions a scope asks for, as the routes need them; `*` is all of them. */
function requestedActions(actions: readonly string[]): RegistryAction[] {
  if (actions.includes(ALL_ACTIONS)) return ['pull', 'push', 'delete'];
  return actions.filter(isRegistryAction);
}

/**
 * The registry's access rules (docs/access-control.md, "The registry"): pull is `get
 * imagestreams/layers`, push `update` (plus `create imagestreams` when the stream is new), delete
 * `delete`. Everything is decided from the repository name alone, before any lookup, so a refusal
 * says nothing about whether the repository exists.
 */
@Injectable()
export class RegistryAccess implements OnModuleInit {
  constructor(
    private readonly tokens: RegistryTokens,
    private readonly owners: OwnerClient,
    @Optional() private readonly access?: AccessControl,
  ) {}

  onModuleInit(): void {
    // Production always has AccessModule beside the registry; saying so loudly beats an open registry nobody noticed.
    if (!this.access) new Logger(RegistryAccess.name).warn('no AccessControl in this app: the registry (/v2) is open to every caller');
  }

  /** Whether requests are checked at all: not without AccessModule, nor with AUTHORIZATION=disabled. */
  get enforced(): boolean {
    return this.access !== undefined && this.access.enabled;
  }

  /** The caller of a `/v2` request; presented credentials that are not acceptable throw AuthenticationFailed. */
  async authenticate(authorization: string | undefined): Promise<RegistryCaller> {
    if (!this.access) return { via: 'open' };
    if (!this.access.enabled) return { via: 'open', identity: await this.access.authenticate(authorization) };
    const bearer = bearerToken(authorization);
    if (bearer !== undefined && looksLikeJwt(bearer)) {
      const grant = await this.tokens.verify(bearer);
      if (!grant) throw new AuthenticationFailed('invalid registry token');
      return { via: 'token', identity: grant.identity, access: grant.access };
    }
    return { via: 'credentials', identity: await this.access.authenticate(authorization, { allowBasic: true }) };
  }

  /** The caller of `/v2/token`: access tokens only (a registry token does not buy another one). */
  async authenticateForToken(authorization: string | undefined): Promise<RegistryCaller> {
    if (!this.access) return { via: 'open' };
    const identity = await this.access.authenticate(authorization, { allowBasic: true });
    return this.access.enabled ? { via: 'credentials', identity } : { via: 'open', identity };
  }

  /**
   * May the caller do `action` on the repository? `creating`: the request may create the stream
   * (a blob upload or manifest push), so a caller who may not create streams needs it to exist.
   */
  async check(caller: RegistryCaller, repository: RepositoryName, action: RegistryAction, creating = false): Promise<AccessOutcome> {
    if (caller.via === 'open') return 'allowed';
    if (caller.via === 'token') {
      if (accessAllows(caller.access, repository.full, action)) return 'allowed';
      if (caller.identity.kind === 'Anonymous') return 'unauthorized';
      return (await this.mayLive(caller.identity, repository, action, creating)) ? 'insufficient_scope' : 'denied';
    }
    if (await this.mayLive(caller.identity, repository, action, creating)) return 'allowed';
    return caller.identity.kind === 'Anonymous' ? 'unauthorized' : 'denied';
  }

  /** Listing the catalog: a registry token needs `registry:catalog:*`; anybody else may ask (the listing is filtered). */
  checkCatalog(caller: RegistryCaller): AccessOutcome {
    if (caller.via !== 'token' || accessAllowsCatalog(caller.access)) return 'allowed';
    return caller.identity.kind === 'Anonymous' ? 'unauthorized' : 'insufficient_scope';
  }

  /**
   * Whether `<namespace>/<stream>` may be pulled by the caller, for mounts and the catalog: a registry
   * token's claim when `byClaim`, else RBAC for whoever the caller is.
   */
  async mayPull(caller: RegistryCaller, repository: string, byClaim: boolean): Promise<boolean> {
    if (caller.via === 'open') return true;
    if (caller.via === 'token' && byClaim) return accessAllows(caller.access, repository, 'pull');
    const name = splitRepositoryName(repository);
    return name !== undefined && this.allows(caller.identity, registryActionAttributes(name.namespace, name.stream, 'pull'));
  }

  /**
   * Whether a registry token lacks pull on `repository` although its holder may pull it: a new token
   * would carry the claim, so the client is better asked to fetch one (401 insufficient_scope) than
   * quietly given less (a mount falling back to an upload).
   */
  async couldClaimPull(caller: RegistryCaller, repository: string): Promise<boolean> {
    if (caller.via !== 'token' || accessAllows(caller.access, repository, 'pull')) return false;
    return this.mayPull(caller, repository, false);
  }

  /**
   * What `/v2/token` puts in a token: for each repository scope, the requested actions the caller
   * may do (possibly none, as distribution answers); the catalog to anyone who asks.
   */
  async grant(caller: RegistryCaller, scopes: readonly Scope[]): Promise<RegistryAccessEntry[]> {
    const granted: RegistryAccessEntry[] = [];
    for (const scope of scopes) {
      if (scope.type === 'registry') {
        granted.push({ type: 'registry', name: scope.name, actions: [ALL_ACTIONS] });
        continue;
      }
      const name = splitRepositoryName(scope.name);
      // Only `<namespace>/<stream>` names a repository here; other names grant nothing.
      if (!name) continue;
      const repository: RepositoryName = { ...name, full: scope.name };
      const wanted = requestedActions(scope.actions);
      const allowed: string[] = [];
      for (const action of wanted) if (caller.via === 'open' || (await this.mayLive(caller.identity, repository, action, action === 'push'))) allowed.push(action);
      const all = scope.actions.includes(ALL_ACTIONS) && allowed.length === 3;
      granted.push({ type: 'repository', name: scope.name, actions: all ? [ALL_ACTIONS] : allowed });
    }
    return granted;
  }

  private async mayLive(identity: Identity, repository: RepositoryName, action: RegistryAction, creating: boolean): Promise<boolean> {
    if (!(await this.allows(identity, registryActionAttributes(repository.namespace, repository.stream, action)))) return false;
    if (!creating || action !== 'push') return true;
    // Asked second: most pushers may create streams, and then no owner round trip is needed.
    if (await this.allows(identity, createStreamAttributes(repository.namespace))) return true;
    const listing = await this.owners.request(RegistryRequests.listTags, { namespace: repository.namespace, stream: repository.stream });
    return listing.repositoryExists;
  }

  private async allows(identity: Identity, attributes: ResourceAttributes): Promise<boolean> {
    if (!this.access) return true;
    return (await this.access.authorize(identity, { kind: 'resource', attributes })).allowed;
  }
}
