import { forbiddenMessage, registryActionAttributes, type RegistryAction } from '@imagestreams/domain-access';
import { RegistryError } from '@imagestreams/domain-registry';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthenticationFailed } from '../../access/authentication-failed';
import { setRequestIdentity } from '../../access/request-identity';
import type { AccessOutcome, RegistryAccess, RegistryCaller } from '../auth/registry-access';
import type { RegistryAuthSettings } from '../auth/registry-auth-settings';
import { bearerChallenge, CATALOG_SCOPE, repositoryScope, type Challenge } from '../auth/registry-token-claims';
import { parseRepositoryName, repositoryName, type RepositoryName } from '../repository-name';
import { queryValue } from './request-body';
import { sendRegistryError } from './registry-error-response';

/**
 * What a route needs of its caller. `creating`: the request may create the stream (first upload,
 * manifest push). `mountSource`: a blob mount's `from` repository is read too, so challenges name it.
 */
export type RegistryRequirement = { kind: 'base' } | { kind: 'catalog' } | { kind: 'repository'; action: RegistryAction; creating?: boolean; mountSource?: boolean };

// Beside the request rather than on it, as request-identity.ts keeps identities.
const callers = new WeakMap<Request, RegistryCaller>();

/** The caller a guard let through; only routes behind guard() ask. */
export function registryCaller(request: Request): RegistryCaller {
  const caller = callers.get(request);
  if (!caller) throw new Error('registryCaller() on a route without guard()');
  return caller;
}

/** The token endpoint clients are sent to: REGISTRY_TOKEN_REALM, else this gateway as the client reached it. */
export function tokenRealm(settings: Pick<RegistryAuthSettings, 'realm'>, request: Request): string {
  if (settings.realm !== '') return settings.realm;
  return `${request.protocol}://${request.get('host') ?? 'localhost'}/v2/token`;
}

function repositoryOf(request: Request): RepositoryName {
  return repositoryName(String(request.params['namespace']), String(request.params['stream']));
}

/** The repository a blob mount (`?mount=<digest>&from=<repository>`) reads from; undefined without one, or when `from` names none. */
function mountSourceOf(request: Request): RepositoryName | undefined {
  const from = queryValue(request, 'from');
  if (queryValue(request, 'mount') === undefined || from === undefined) return undefined;
  try {
    return parseRepositoryName(from);
  } catch {
    return undefined;
  }
}

function scopeOf(requirement: RegistryRequirement, request: Request): string | undefined {
  if (requirement.kind === 'base') return undefined;
  if (requirement.kind === 'catalog') return CATALOG_SCOPE;
  const scope = repositoryScope(repositoryOf(request).full, requirement.action);
  // As distribution's challenge for a mount: one token then covers the source as well as the target.
  const source = requirement.mountSource ? mountSourceOf(request) : undefined;
  return source ? `${scope} ${repositoryScope(source.full, 'pull')}` : scope;
}

/** The challenge that sends the client to the token endpoint for everything `requirement` needs of this request. */
export function challengeFor(settings: RegistryAuthSettings, requirement: RegistryRequirement, request: Request, error?: Challenge['error']): Challenge {
  return { realm: tokenRealm(settings, request), service: settings.service, scope: scopeOf(requirement, request), error };
}

/** 401 with the challenge that sends the client to the token endpoint for the scope it needs. */
export function sendChallenge(response: Response, challenge: Challenge, message: string): void {
  response.setHeader('WWW-Authenticate', bearerChallenge(challenge));
  sendRegistryError(response, RegistryError.unauthorized(message));
}

async function outcomeFor(access: RegistryAccess, caller: RegistryCaller, requirement: RegistryRequirement, request: Request): Promise<AccessOutcome> {
  if (requirement.kind === 'base') {
    // distribution's version check: any valid credentials, so that clients without any log in first.
    return caller.via === 'credentials' && caller.identity.kind === 'Anonymous' ? 'unauthorized' : 'allowed';
  }
  if (requirement.kind === 'catalog') return access.checkCatalog(caller);
  return access.check(caller, repositoryOf(request), requirement.action, requirement.creating ?? false);
}

function denial(caller: RegistryCaller, requirement: RegistryRequirement, request: Request): RegistryError {
  if (requirement.kind !== 'repository' || caller.via === 'open' || !caller.identity) return RegistryError.denied();
  const repository = repositoryOf(request);
  const attributes = registryActionAttributes(repository.namespace, repository.stream, requirement.action);
  return new RegistryError('DENIED', forbiddenMessage(caller.identity, { kind: 'resource', attributes }), {
    detail: [{ Type: 'repository', Name: repository.full, Action: requirement.action }],
  });
}

/**
 * Authenticates the caller and decides the route's requirement before the handler runs (and before
 * any body is read or anything looked up): unacceptable credentials or an anonymous caller get 401
 * with a `WWW-Authenticate` challenge, an authenticated caller who may not gets 403 DENIED.
 */
export function guard(access: RegistryAccess, settings: RegistryAuthSettings, requirement: RegistryRequirement): RequestHandler {
  const run = async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const challenge = (error?: Challenge['error']): Challenge => challengeFor(settings, requirement, request, error);
    let caller: RegistryCaller;
    try {
      caller = await access.authenticate(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) throw error;
      sendChallenge(response, challenge('invalid_token'), 'authentication required: the credentials presented are not valid');
      return;
    }
    if (caller.identity) setRequestIdentity(request, caller.identity);
    const outcome = await outcomeFor(access, caller, requirement, request);
    if (outcome === 'allowed') {
      callers.set(request, caller);
      next();
      return;
    }
    if (outcome === 'denied') throw denial(caller, requirement, request);
    if (outcome === 'insufficient_scope') sendChallenge(response, challenge('insufficient_scope'), 'the token does not grant this access');
    else sendChallenge(response, challenge(), 'authentication required');
  };
  return (request, response, next) => {
    run(request, response, next).catch((error: unknown) => sendRegistryError(response, error));
  };
}
