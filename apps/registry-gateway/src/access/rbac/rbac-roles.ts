import { Injectable } from '@nestjs/common';
import {
  ClusterRoleResource,
  policyRuleProblems,
  RoleResource,
  Statuses,
  StatusError,
  successStatus,
  type ClusterRoleInput,
  type ResourceRef,
  type RoleInput,
  type Status,
} from '@imagestreams/contracts';
import { isBuiltInClusterRole, type Identity } from '@imagestreams/domain-access';
import { EscalationGuard } from './escalation-guard';
import { PolicyStore } from './policy-store';
import { builtInClusterRoles, CLUSTER_SCOPE, ruleOf, type RoleContent, type StoredRoleObject } from './rbac-objects';
import { RbacRepository } from './rbac.repository';
import { readOnlyBuiltIn } from './read-only-built-in';

/** Which kind a scope holds: Roles in a namespace, ClusterRoles at the cluster scope (''). */
function refOf(namespace: string): ResourceRef {
  return namespace === CLUSTER_SCOPE ? ClusterRoleResource : RoleResource;
}

function contentOf(input: RoleInput | ClusterRoleInput, ref: ResourceRef, namespace: string): RoleContent {
  const rules = (input.rules ?? []).map(ruleOf);
  const causes = policyRuleProblems(rules, { namespaced: namespace !== CLUSTER_SCOPE });
  if (causes.length) throw new StatusError(Statuses.invalid(ref, input.metadata.name, causes));
  return { rules, labels: input.metadata.labels ?? {}, annotations: input.metadata.annotations ?? {} };
}

/**
 * Roles and ClusterRoles: stored ones, plus the built-in ClusterRoles, which are served from code
 * and cannot be written. Every write that commits drops the cached policy (PolicyStore.changed).
 */
@Injectable()
export class RbacRoles {
  constructor(
    private readonly repository: RbacRepository,
    private readonly policy: PolicyStore,
    private readonly escalation: EscalationGuard,
  ) {}

  /** One scope's roles; every namespace's Roles when namespace is undefined. */
  async list(namespace: string | undefined): Promise<{ items: StoredRoleObject[]; resourceVersion: string }> {
    const [stored, resourceVersion] = await Promise.all([this.repository.roles(namespace), this.repository.resourceVersion()]);
    if (namespace !== CLUSTER_SCOPE) return { items: stored, resourceVersion };
    const items = [...builtInClusterRoles(), ...stored.filter((role) => !isBuiltInClusterRole(role.name))].sort((a, b) => a.name.localeCompare(b.name));
    return { items, resourceVersion };
  }

  async get(namespace: string, name: string): Promise<StoredRoleObject> {
    const role = await this.find(namespace, name);
    if (!role) throw new StatusError(Statuses.notFound(refOf(namespace), name));
    return role;
  }

  /** The rules a roleRef points at, or undefined when no such role exists. */
  async find(namespace: string, name: string): Promise<StoredRoleObject | undefined> {
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRole(name)) return builtInClusterRoles().find((role) => role.name === name);
    return this.repository.role(namespace, name);
  }

  async create(caller: Identity, namespace: string, input: RoleInput | ClusterRoleInput): Promise<StoredRoleObject> {
    const ref = refOf(namespace);
    const name = input.metadata.name;
    const content = contentOf(input, ref, namespace);
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRole(name)) throw new StatusError(Statuses.alreadyExists(ref, name));
    await this.escalation.assertMayDefine(caller, ref, namespace, name, content.rules);
    const created = await this.repository.createRole(namespace, name, content);
    if (!created) throw new StatusError(Statuses.alreadyExists(ref, name));
    this.policy.changed();
    return created;
  }

  async update(caller: Identity, namespace: string, name: string, input: RoleInput | ClusterRoleInput): Promise<StoredRoleObject> {
    const ref = refOf(namespace);
    if (input.metadata.name !== name) throw new StatusError(Statuses.badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`));
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRole(name)) throw readOnlyBuiltIn(ref, name, 'update');
    const content = contentOf(input, ref, namespace);
    await this.escalation.assertMayDefine(caller, ref, namespace, name, content.rules);
    const updated = await this.repository.updateRole(namespace, name, content, { resourceVersion: input.metadata.resourceVersion, uid: input.metadata.uid });
    if (updated === 'not-found') throw new StatusError(Statuses.notFound(ref, name));
    if (updated === 'conflict') throw new StatusError(Statuses.conflict(ref, name));
    this.policy.changed();
    return updated;
  }

  async delete(namespace: string, name: string): Promise<Status> {
    const ref = refOf(namespace);
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRole(name)) throw readOnlyBuiltIn(ref, name, 'delete');
    const deleted = await this.repository.deleteRole(namespace, name);
    if (!deleted) throw new StatusError(Statuses.notFound(ref, name));
    this.policy.changed();
    return successStatus(200, { name, group: ref.group, kind: ref.resource, uid: deleted.uid });
  }
}
