import { type DynamicModule, Global, Module } from '@nestjs/common';
import { AccessChanges } from './access-changes';
import { AccessControl } from './access-control';
import { ACCESS_SETTINGS, type AccessSettings } from './access-settings';
import { AccessTokensController } from './access-tokens.controller';
import { AccessTokensRepository } from './access-tokens.repository';
import { BootstrapAdmin } from './bootstrap-admin';
import { NamespaceAccess } from './namespace-access';
import { TagSourceAccess } from './tag-source-access';
import { ServiceAccountsController } from './service-accounts.controller';
import { ServiceAccountsRepository } from './service-accounts.repository';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';

/**
 * Identities and the access check (docs/access-control.md): users, service accounts, access
 * tokens, the bootstrap admin, and AccessControl, which the HTTP edges ask about every caller.
 * Global so the registry and the namespaces controller reach AccessControl without importing this
 * module; only a gateway with its database has it (the tables are in its schema).
 */
@Global()
@Module({})
export class AccessModule {
  static register(settings: AccessSettings): DynamicModule {
    return {
      module: AccessModule,
      controllers: [UsersController, ServiceAccountsController, AccessTokensController],
      providers: [
        { provide: ACCESS_SETTINGS, useValue: settings },
        UsersRepository,
        ServiceAccountsRepository,
        AccessTokensRepository,
        AccessChanges,
        AccessControl,
        BootstrapAdmin,
        NamespaceAccess,
        TagSourceAccess,
      ],
      exports: [AccessControl, NamespaceAccess, TagSourceAccess],
    };
  }
}
