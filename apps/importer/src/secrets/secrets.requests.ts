import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateSecretCommand,
  ImportRequests,
  NamespacedNameRequest,
  NamespaceScopeRequest,
  RegistryLoginQuery,
  type RegistryLoginAnswer,
  type Secret,
  type SecretList,
  type Status,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { loginFor } from './docker-config';
import { RegistrySecrets } from './registry-secrets';

@Controller()
export class SecretsRequests {
  constructor(private readonly secrets: RegistrySecrets) {}

  @OnRequest(ImportRequests.createSecret)
  create(@Payload() command: CreateSecretCommand): Promise<Secret> {
    return this.secrets.create(command);
  }

  @OnRequest(ImportRequests.getSecret)
  get(@Payload() query: NamespacedNameRequest): Promise<Secret> {
    return this.secrets.get(query.namespace, query.name);
  }

  @OnRequest(ImportRequests.listSecrets)
  list(@Payload() query: NamespaceScopeRequest): Promise<SecretList> {
    return this.secrets.list(query.namespace ?? '');
  }

  @OnRequest(ImportRequests.deleteSecret)
  delete(@Payload() query: NamespacedNameRequest): Promise<Status> {
    return this.secrets.delete(query.namespace, query.name);
  }

  /** The login imports into the namespace would use for the registry, now for pulling an imported image through. */
  @OnRequest(ImportRequests.getRegistryLogin)
  async login(@Payload() query: RegistryLoginQuery): Promise<RegistryLoginAnswer> {
    const login = loginFor(await this.secrets.loginsFor(query.namespace), query.registry);
    return login ? { login: { username: login.username, password: login.password } } : {};
  }
}
