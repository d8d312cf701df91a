import { ANONYMOUS, parseScopes } from '@imagestreams/domain-access';
import { RegistryError } from '@imagestreams/domain-registry';
import type { Request, Response } from 'express';
import { AuthenticationFailed } from '../../access/authentication-failed';
import { setRequestIdentity } from '../../access/request-identity';
import type { RegistryAccess, RegistryCaller } from '../auth/registry-access';
import type { RegistryAuthSettings } from '../auth/registry-auth-settings';
import type { RegistryAccessEntry } from '../auth/registry-token-claims';
import type { RegistryTokens } from '../auth/registry-tokens';
import { sendRegistryError } from './registry-error-response';
import { declaredLength } from './request-body';

/** An OAuth2 token request form is a few scopes and a token; anything longer is not one. */
const MAX_FORM_BYTES = 16 * 1024;

/** The parameters of a token request, from the query (GET) or an OAuth2 form (POST). */
interface TokenRequest {
  scope: string | string[] | undefined;
  /** POST only: the access token sent as the OAuth2 password grant's `password`. */
  password?: string;
}

/** OAuth2's `scope` of the answer: what was granted, space-separated. */
function grantedScope(granted: RegistryAccessEntry[]): string {
  return granted
    .filter((entry) => entry.actions.length > 0)
    .map((entry) => `${entry.type}:${entry.name}:${entry.actions.join(',')}`)
    .join(' ');
}

function unauthorized(response: Response, settings: RegistryAuthSettings): void {
  // The token endpoint itself takes Basic credentials (user name ignored, the access token as password).
  response.setHeader('WWW-Authenticate', `Basic realm="${settings.service}"`);
  sendRegistryError(response, RegistryError.unauthorized('the credentials presented are not valid'));
}

function queryScopes(request: Request): string | string[] | undefined {
  const value: unknown = request.query['scope'];
  if (value === undefined || typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw RegistryError.unsupported('scope must be a string', 400);
}

async function readForm(request: Request): Promise<URLSearchParams> {
  const tooLarge = () => RegistryError.unsupported(`a token request form is at most ${MAX_FORM_BYTES} bytes`, 413);
  if ((declaredLength(request) ?? 0) > MAX_FORM_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > MAX_FORM_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function formRequest(request: Request): Promise<TokenRequest> {
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '')) {
    throw RegistryError.unsupported('a token request body must be application/x-www-form-urlencoded', 400);
  }
  const form = await readForm(request);
  const grantType = form.get('grant_type');
  if (grantType !== 'password') throw RegistryError.unsupported(`grant_type ${JSON.stringify(grantType ?? '')} is not supported; use password (the access token as password)`, 400);
  const password = form.get('password') ?? '';
  // OAuth2 separates scopes with spaces; parseScopes splits them.
  return { scope: form.get('scope') ?? undefined, password };
}

/**
 * Docker's token protocol (`GET /v2/token?service=&scope=...`, or an OAuth2 password grant by
 * POST): authenticates the caller (anonymous too), and answers a registry bearer token granting
 * the requested actions the caller may do, possibly none (the registry then refuses on use).
 * `service` and `account` are accepted and not needed: the audience is this registry, and the
 * account is whoever the token or Basic password belongs to.
 */
export function tokenEndpoint(access: RegistryAccess, tokens: RegistryTokens, settings: RegistryAuthSettings, method: 'GET' | 'POST') {
  const run = async (request: Request, response: Response): Promise<void> => {
    const params: TokenRequest = method === 'GET' ? { scope: queryScopes(request) } : await formRequest(request);
    const scopes = parseScopes(params.scope);
    if ('error' in scopes) throw RegistryError.unsupported(scopes.error, 400);
    const authorization = params.password ? `Bearer ${params.password}` : request.headers.authorization;
    let caller: RegistryCaller;
    try {
      caller = await access.authenticateForToken(authorization);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) throw error;
      unauthorized(response, settings);
      return;
    }
    if (caller.identity) setRequestIdentity(request, caller.identity);
    const granted = await access.grant(caller, scopes);
    const issued = await tokens.issue(caller.identity ?? ANONYMOUS, granted);
    response.setHeader('Cache-Control', 'no-store');
    response.status(200).json({
      token: issued.token,
      access_token: issued.token,
      expires_in: issued.expiresIn,
      issued_at: issued.issuedAt,
      ...(method === 'POST' ? { scope: grantedScope(granted) } : {}),
    });
  };
  return (request: Request, response: Response): void => {
    run(request, response).catch((error: unknown) => sendRegistryError(response, error));
  };
}
