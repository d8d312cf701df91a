import { Injectable } from '@nestjs/common';
import type { Identity } from '@imagestreams/domain-access';
import { AccessControl } from './access-control';
import { PolicyStore } from './rbac/policy-store';
import { ServiceAccountsRepository } from './service-accounts.repository';

/**
 * What access control does when a namespace comes and goes (the namespaces controller calls it
 * only on a gateway with AccessModule): its creator becomes its `admin`, as OpenShift's
 * self-provisioning does, and what access control keeps in it leaves with it.
 */
@Injectable()
export class NamespaceAccess {
  constructor(
    private readonly access: AccessControl,
    private readonly policy: PolicyStore,
    private readonly serviceAccounts: ServiceAccountsRepository,
  ) {}

  async created(namespace: string, creator: Identity | undefined): Promise<void> {
    // With access control off everybody is cluster-admin already; a binding would only be noise.
    if (!this.access.enabled || creator === undefined || creator.kind === 'Anonymous') return;
    await this.policy.bindNamespaceAdmin(namespace, creator);
  }

  /** A namespace made again under the name starts with no service accounts, tokens, roles or bindings. */
  async deleted(namespace: string): Promise<void> {
    await this.serviceAccounts.deleteNamespace(namespace);
    this.access.credentialsChanged();
    await this.policy.forgetNamespace(namespace);
  }
}
