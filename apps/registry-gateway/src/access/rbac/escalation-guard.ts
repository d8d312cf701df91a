import { Injectable } from '@nestjs/common';
import { ClusterRoleResource, RBAC_API_GROUP, RoleResource, Statuses, StatusError, type PolicyRule, type ResourceRef, type RoleRef } from '@imagestreams/contracts';
import type { Identity, RequestAttributes } from '@imagestreams/domain-access';
import { AccessControl } from '../access-control';
import { checkEscalation, escalationMessage } from './escalation';
import { CLUSTER_SCOPE } from './rbac-objects';

function scopeNamespace(namespace: string): string | undefined {
  return namespace === CLUSTER_SCOPE ? undefined : namespace;
}

/**
 * Escalation prevention for RBAC writes, as Kubernetes does it: the `escalate` verb on the role
 * kind (or `bind` on the role a binding names) lets a caller skip the check; otherwise it must hold
 * every permission the role grants in the scope of the write. Runs after the access check allowed
 * the write itself.
 */
@Injectable()
export class EscalationGuard {
  constructor(private readonly access: AccessControl) {}

  /** A Role in `namespace`, or a ClusterRole (namespace ''), with these rules. */
  async assertMayDefine(caller: Identity, ref: ResourceRef, namespace: string, name: string, rules: readonly PolicyRule[]): Promise<void> {
    if (await this.allowed(caller, this.rbacVerb('escalate', ref.resource, namespace, name))) return;
    await this.assertHolds(caller, ref, name, rules, scopeNamespace(namespace));
  }

  /** A RoleBinding in `namespace`, or a ClusterRoleBinding (namespace ''), granting `rules` (those of its roleRef). */
  async assertMayBind(caller: Identity, ref: ResourceRef, namespace: string, name: string, roleRef: RoleRef, rules: readonly PolicyRule[]): Promise<void> {
    const roleResource = roleRef.kind === 'Role' ? RoleResource.resource : ClusterRoleResource.resource;
    if (await this.allowed(caller, this.rbacVerb('bind', roleResource, namespace, roleRef.name))) return;
    await this.assertHolds(caller, ref, name, rules, scopeNamespace(namespace));
  }

  private async assertHolds(caller: Identity, ref: ResourceRef, name: string, rules: readonly PolicyRule[], namespace: string | undefined): Promise<void> {
    const check = await checkEscalation(rules, namespace, (request) => this.allowed(caller, request));
    if (check.ok) return;
    const qualified = `${ref.resource}.${ref.group}`;
    throw new StatusError(
      Statuses.forbidden(`${qualified} ${JSON.stringify(name)} is forbidden: ${escalationMessage(caller.username, caller.groups, check)}`, { name, group: ref.group, kind: ref.resource }),
    );
  }

  private rbacVerb(verb: 'escalate' | 'bind', resource: string, namespace: string, name: string): RequestAttributes {
    return { kind: 'resource', attributes: { verb, apiGroup: RBAC_API_GROUP, resource, name, ...(namespace !== CLUSTER_SCOPE ? { namespace } : {}) } };
  }

  private async allowed(caller: Identity, request: RequestAttributes): Promise<boolean> {
    return (await this.access.authorize(caller, request)).allowed;
  }
}
