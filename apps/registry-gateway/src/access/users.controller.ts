import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CURRENT_USER_NAME, Statuses, StatusError, successStatus, UserInput, UserResource, type Status, type User, type UserList } from '@imagestreams/contracts';
import type { IncomingMessage } from 'node:http';
import { MAX_NAME_LENGTH, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';
import { AccessControl } from './access-control';
import { syntheticUser, userObject } from './access-objects';
import { callerOf } from './request-identity';
import { UsersRepository } from './users.repository';

/** OpenShift's `user.openshift.io/v1` Users: who may hold access tokens. `users/~` is the caller. */
@Controller('apis/user.openshift.io/v1/users')
export class UsersController {
  constructor(
    private readonly users: UsersRepository,
    private readonly access: AccessControl,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'create a user (then give it a token with an AccessToken, and rights with role bindings)', body: UserInput, status: 201, returns: 'User' })
  async create(@Body() body: unknown): Promise<User> {
    const input = validBody(UserInput, UserResource, body);
    const row = await this.users.insert({ name: input.metadata.name, groups: input.groups ?? [], fullName: input.fullName });
    if (!row) throw new StatusError(Statuses.alreadyExists(UserResource, input.metadata.name));
    return userObject(row);
  }

  @Get()
  @ApiDoc({ summary: 'list users', returns: 'UserList' })
  async list(): Promise<UserList> {
    const [rows, resourceVersion] = await Promise.all([this.users.list(), this.users.currentResourceVersion()]);
    return { kind: 'UserList', apiVersion: 'user.openshift.io/v1', metadata: { resourceVersion }, items: rows.map(userObject) };
  }

  /** `~` answers the caller, with the groups RBAC sees (system:authenticated included), whatever kind of caller it is. */
  @Get(':name')
  @ApiDoc({ summary: 'read a user; `~` is the caller (who am I, with the groups RBAC sees)', returns: 'User' })
  async get(@Param('name') name: string, @Req() request: IncomingMessage): Promise<User> {
    if (name === CURRENT_USER_NAME) {
      const caller = callerOf(request);
      const row = caller.kind === 'User' ? await this.users.find(caller.name) : undefined;
      return row ? { ...userObject(row), groups: caller.groups } : syntheticUser(caller);
    }
    const row = name.length <= MAX_NAME_LENGTH ? await this.users.find(name) : undefined;
    if (!row) throw new StatusError(Statuses.notFound(UserResource, name));
    return userObject(row);
  }

  /** The user's tokens go with it, and stop working on every replica. */
  @Delete(':name')
  @ApiDoc({ summary: 'delete a user and revoke its tokens', returns: 'Status' })
  async delete(@Param('name') name: string): Promise<Status> {
    const row = name.length <= MAX_NAME_LENGTH ? await this.users.delete(name) : undefined;
    if (!row) throw new StatusError(Statuses.notFound(UserResource, name));
    this.access.credentialsChanged();
    return successStatus(200, { name, group: UserResource.group, kind: UserResource.resource, uid: row.uid });
  }
}
