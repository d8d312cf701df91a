import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { CreateSecretCommand, ImportRequests, NamespacedNameRequest, NamespaceScopeRequest, type Secret, type SecretList, type Status } from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
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
}
