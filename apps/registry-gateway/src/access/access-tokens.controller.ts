import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import {
  AccessTokenInput,
  AccessTokenResource,
  ServiceAccountResource,
  Statuses,
  StatusError,
  successStatus,
  UserResource,
  type AccessToken,
  type AccessTokenList,
  type AccessTokenSubject,
  type Status,
} from '@imagestreams/contracts';
import { forbiddenMessage, newAccessToken, type Identity, type RequestAttributes } from '@imagestreams/domain-access';
import type { IncomingMessage } from 'node:http';
import { MAX_NAME_LENGTH, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';
import { AccessControl } from './access-control';
import { accessTokenObject } from './access-objects';
import { accessTokensAttributes, isOwnToken, serviceAccountTokenAttributes } from './access-token-rights';
import { AccessTokensRepository, type AccessTokenRow } from './access-tokens.repository';
import { callerOf } from './request-identity';
import { ServiceAccountsRepository } from './service-accounts.repository';
import { UsersRepository } from './users.repository';

function subjectOf(row: AccessTokenRow): AccessTokenSubject {
  return { kind: row.subject_kind, name: row.subject_name, ...(row.subject_namespace !== null ? { namespace: row.subject_namespace } : {}) };
}

/** A cross-field rule the DTO cannot state: 422 naming the field, as class-validator's failures are. */
function invalid(field: string, message: string): StatusError {
  return new StatusError(Statuses.invalid(AccessTokenResource, '', [{ reason: 'FieldValueInvalid', field, message }]));
}

function forbidden(caller: Identity, attributes: RequestAttributes, name?: string): StatusError {
  return new StatusError(Statuses.forbidden(forbiddenMessage(caller, attributes), { group: AccessTokenResource.group, kind: AccessTokenResource.resource, ...(name ? { name } : {}) }));
}

/**
 * `access.imagestreams.io/v1` AccessTokens. The access check lets any authenticated caller reach
 * these routes (managing one's own tokens needs no binding), so each route decides here who may
 * touch which token (access-token-rights.ts). The token is answered once, by create.
 */
@Controller('apis/access.imagestreams.io/v1/accesstokens')
export class AccessTokensController {
  constructor(
    private readonly tokens: AccessTokensRepository,
    private readonly users: UsersRepository,
    private readonly serviceAccounts: ServiceAccountsRepository,
    private readonly access: AccessControl,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'create a token for yourself, or (with the rights) for another user or a service account; status.token is answered here only',
    body: AccessTokenInput,
    status: 201,
    returns: 'AccessToken',
  })
  async create(@Body() body: unknown, @Req() request: IncomingMessage): Promise<AccessToken> {
    const input = validBody(AccessTokenInput, AccessTokenResource, body);
    const caller = callerOf(request);
    const subject: AccessTokenSubject = input.spec?.subject ? { ...input.spec.subject } : this.callerAsSubject(caller);
    if (subject.kind === 'User' && subject.namespace !== undefined) throw invalid('spec.subject.namespace', 'must be empty for a User: users are cluster-wide');
    const expiresAt = this.expiry(input.spec?.expiresAt, input.spec?.expiresInSeconds);
    if (!(await this.mayManage(caller, subject, 'create'))) throw forbidden(caller, accessTokensAttributes('create'));
    await this.assertSubjectExists(subject);
    const { token, hash } = newAccessToken();
    const row = await this.tokens.insert({ hash, subject, expiresAt, description: input.spec?.description });
    // 256 random bits never collide; a taken hash would mean a broken random source, not a client error.
    if (!row) throw new Error('a freshly generated access token collided with a stored one');
    return accessTokenObject(row, token);
  }

  /** Every token with the cluster-wide grant; otherwise a user's own. */
  @Get()
  @ApiDoc({ summary: 'list access tokens: all of them for cluster admins, otherwise your own (never the tokens themselves)', returns: 'AccessTokenList' })
  async list(@Req() request: IncomingMessage): Promise<AccessTokenList> {
    const caller = callerOf(request);
    let rows: AccessTokenRow[];
    if ((await this.access.authorize(caller, accessTokensAttributes('list'))).allowed) rows = await this.tokens.list();
    else if (caller.kind === 'User') rows = await this.tokens.list({ kind: 'User', name: caller.name });
    else throw forbidden(caller, accessTokensAttributes('list'));
    const resourceVersion = await this.tokens.currentResourceVersion();
    return { kind: 'AccessTokenList', apiVersion: 'access.imagestreams.io/v1', metadata: { resourceVersion }, items: rows.map((row) => accessTokenObject(row)) };
  }

  @Get(':name')
  @ApiDoc({ summary: 'read an access token (never the token itself)', returns: 'AccessToken' })
  async get(@Param('name') name: string, @Req() request: IncomingMessage): Promise<AccessToken> {
    return accessTokenObject(await this.permitted(callerOf(request), 'get', name));
  }

  /** Revokes the token on every replica: here at once, elsewhere on the notification (or within seconds). */
  @Delete(':name')
  @ApiDoc({ summary: 'revoke an access token', returns: 'Status' })
  async delete(@Param('name') name: string, @Req() request: IncomingMessage): Promise<Status> {
    const row = await this.permitted(callerOf(request), 'delete', name);
    const deleted = await this.tokens.delete(row.name);
    if (!deleted) throw new StatusError(Statuses.notFound(AccessTokenResource, name));
    this.access.credentialsChanged();
    return successStatus(200, { name, group: AccessTokenResource.group, kind: AccessTokenResource.resource, uid: deleted.uid });
  }

  private callerAsSubject(caller: Identity): AccessTokenSubject {
    if (caller.kind === 'User') return { kind: 'User', name: caller.name };
    if (caller.kind === 'ServiceAccount' && caller.namespace !== undefined) return { kind: 'ServiceAccount', name: caller.name, namespace: caller.namespace };
    throw new StatusError(Statuses.unauthorized());
  }

  private expiry(expiresAt: string | undefined, expiresInSeconds: number | undefined): Date | undefined {
    if (expiresAt !== undefined && expiresInSeconds !== undefined) throw invalid('spec.expiresInSeconds', 'may not be set together with spec.expiresAt');
    if (expiresInSeconds !== undefined) return new Date(Date.now() + expiresInSeconds * 1000);
    if (expiresAt === undefined) return undefined;
    const at = new Date(expiresAt);
    if (Number.isNaN(at.getTime())) throw invalid('spec.expiresAt', 'must be an RFC 3339 time');
    if (at.getTime() <= Date.now()) throw invalid('spec.expiresAt', 'must be in the future');
    return at;
  }

  /**
   * The row when the caller may apply `verb` to it. Without the cluster-wide grant, a token that is
   * missing and one the caller may not touch answer the same 403, so names reveal nothing.
   */
  private async permitted(caller: Identity, verb: 'get' | 'delete', name: string): Promise<AccessTokenRow> {
    const attributes = accessTokensAttributes(verb, name);
    const row = name.length <= MAX_NAME_LENGTH ? await this.tokens.find(name) : undefined;
    if ((await this.access.authorize(caller, attributes)).allowed) {
      if (!row) throw new StatusError(Statuses.notFound(AccessTokenResource, name));
      return row;
    }
    if (row && (await this.mayManage(caller, subjectOf(row), verb))) return row;
    throw forbidden(caller, attributes, name);
  }

  private async mayManage(caller: Identity, subject: AccessTokenSubject, verb: string): Promise<boolean> {
    if (isOwnToken(caller, subject)) return true;
    if ((await this.access.authorize(caller, accessTokensAttributes(verb))).allowed) return true;
    const serviceAccountGrant = serviceAccountTokenAttributes(subject);
    return serviceAccountGrant !== undefined && (await this.access.authorize(caller, serviceAccountGrant)).allowed;
  }

  private async assertSubjectExists(subject: AccessTokenSubject): Promise<void> {
    if (subject.kind === 'User') {
      if (!(await this.users.find(subject.name))) throw new StatusError(Statuses.notFound(UserResource, subject.name));
      return;
    }
    if (!subject.namespace || !(await this.serviceAccounts.find(subject.namespace, subject.name))) {
      throw new StatusError(Statuses.notFound(ServiceAccountResource, subject.name));
    }
  }
}
