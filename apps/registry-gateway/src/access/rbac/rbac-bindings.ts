import { Injectable } from '@nestjs/common';
import {
  ClusterRoleBindingResource,
  RBAC_API_GROUP,
  RoleBindingResource,
  Statuses,
  StatusError,
  subjectProblems,
  successStatus,
  type ClusterRoleBindingInput,
  type ResourceRef,
  type RoleBindingInput,
  type RoleRef,
  type Status,
  type StatusCause,
} from '@imagestreams/contracts';
import type { Identity } from '@imagestreams/domain-access';
import { isBuiltInClusterRoleBinding } from './built-in-policy';
import { EscalationGuard } from './escalation-guard';
import { PolicyStore } from './policy-store';
import { builtInClusterRoleBindings, CLUSTER_SCOPE, sameRoleRef, subjectOf, type BindingContent, type StoredBindingObject, type StoredRoleObject } from './rbac-objects';
import { RbacRepository } from './rbac.repository';
import { RbacRoles } from './rbac-roles';
import { readOnlyBuiltIn } from './read-only-built-in';

function refOf(namespace: string): ResourceRef {
  return namespace === CLUSTER_SCOPE ? ClusterRoleBindingResource : RoleBindingResource;
}

function invalid(ref: ResourceRef, name: string, cause: StatusCause): StatusError {
  return new StatusError(Statuses.invalid(ref, name, [cause]));
}

function contentOf(input: RoleBindingInput | ClusterRoleBindingInput, ref: ResourceRef, namespace: string): BindingContent {
  const name = input.metadata.name;
  const roleRef: RoleRef = { apiGroup: RBAC_API_GROUP, kind: input.roleRef.kind as RoleRef['kind'], name: input.roleRef.name };
  // A ClusterRoleBinding grants cluster-wide, where a namespace's Role means nothing (Kubernetes' rule).
  if (namespace === CLUSTER_SCOPE && roleRef.kind !== 'ClusterRole') {
    throw invalid(ref, name, { reason: 'FieldValueNotSupported', message: 'supported values: "ClusterRole"', field: 'roleRef.kind' });
  }
  const subjects = (input.subjects ?? []).map((subject) => subjectOf(subject, namespace));
  const causes = subjectProblems(input.subjects ?? [], { namespaced: namespace !== CLUSTER_SCOPE });
  if (causes.length) throw new StatusError(Statuses.invalid(ref, name, causes));
  return { roleRef, subjects, labels: input.metadata.labels ?? {}, annotations: input.metadata.annotations ?? {} };
}

/**
 * RoleBindings and ClusterRoleBindings: stored ones, plus the built-in ClusterRoleBindings (read
 * only). A binding must name a role that exists (a Role of its own namespace or a ClusterRole) and
 * keeps its roleRef for life, as in Kubernetes.
 */
@Injectable()
export class RbacBindings {
  constructor(
    private readonly repository: RbacRepository,
    private readonly roles: RbacRoles,
    private readonly policy: PolicyStore,
    private readonly escalation: EscalationGuard,
  ) {}

  async list(namespace: string | undefined): Promise<{ items: StoredBindingObject[]; resourceVersion: string }> {
    const [stored, resourceVersion] = await Promise.all([this.repository.bindings(namespace), this.repository.resourceVersion()]);
    if (namespace !== CLUSTER_SCOPE) return { items: stored, resourceVersion };
    const items = [...builtInClusterRoleBindings(), ...stored.filter((binding) => !isBuiltInClusterRoleBinding(binding.name))].sort((a, b) => a.name.localeCompare(b.name));
    return { items, resourceVersion };
  }

  async get(namespace: string, name: string): Promise<StoredBindingObject> {
    const binding = namespace === CLUSTER_SCOPE && isBuiltInClusterRoleBinding(name) ? builtInClusterRoleBindings().find((one) => one.name === name) : await this.repository.binding(namespace, name);
    if (!binding) throw new StatusError(Statuses.notFound(refOf(namespace), name));
    return binding;
  }

  async create(caller: Identity, namespace: string, input: RoleBindingInput | ClusterRoleBindingInput): Promise<StoredBindingObject> {
    const ref = refOf(namespace);
    const name = input.metadata.name;
    const content = contentOf(input, ref, namespace);
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRoleBinding(name)) throw new StatusError(Statuses.alreadyExists(ref, name));
    const role = await this.referencedRole(ref, name, namespace, content.roleRef);
    await this.escalation.assertMayBind(caller, ref, namespace, name, content.roleRef, role.rules);
    const created = await this.repository.createBinding(namespace, name, content);
    if (!created) throw new StatusError(Statuses.alreadyExists(ref, name));
    this.policy.changed();
    return created;
  }

  async update(caller: Identity, namespace: string, name: string, input: RoleBindingInput | ClusterRoleBindingInput): Promise<StoredBindingObject> {
    const ref = refOf(namespace);
    if (input.metadata.name !== name) throw new StatusError(Statuses.badRequest(`the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`));
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRoleBinding(name)) throw readOnlyBuiltIn(ref, name, 'update');
    const content = contentOf(input, ref, namespace);
    const role = await this.referencedRole(ref, name, namespace, content.roleRef);
    await this.escalation.assertMayBind(caller, ref, namespace, name, content.roleRef, role.rules);
    const updated = await this.repository.updateBinding(namespace, name, content, { resourceVersion: input.metadata.resourceVersion, uid: input.metadata.uid }, (current) => {
      if (!sameRoleRef(current.roleRef, content.roleRef)) {
        throw invalid(ref, name, { reason: 'FieldValueInvalid', message: 'cannot change roleRef', field: 'roleRef' });
      }
    });
    if (updated === 'not-found') throw new StatusError(Statuses.notFound(ref, name));
    if (updated === 'conflict') throw new StatusError(Statuses.conflict(ref, name));
    this.policy.changed();
    return updated;
  }

  async delete(namespace: string, name: string): Promise<Status> {
    const ref = refOf(namespace);
    if (namespace === CLUSTER_SCOPE && isBuiltInClusterRoleBinding(name)) throw readOnlyBuiltIn(ref, name, 'delete');
    const deleted = await this.repository.deleteBinding(namespace, name);
    if (!deleted) throw new StatusError(Statuses.notFound(ref, name));
    this.policy.changed();
    return successStatus(200, { name, group: ref.group, kind: ref.resource, uid: deleted.uid });
  }

  /** The role the binding would grant; a roleRef naming nothing is Invalid (422). */
  private async referencedRole(ref: ResourceRef, name: string, namespace: string, roleRef: RoleRef): Promise<StoredRoleObject> {
    const role = await this.roles.find(roleRef.kind === 'Role' ? namespace : CLUSTER_SCOPE, roleRef.name);
    if (role) return role;
    const where = roleRef.kind === 'Role' ? ` in namespace ${JSON.stringify(namespace)}` : '';
    throw invalid(ref, name, { reason: 'FieldValueNotFound', message: `${roleRef.kind} ${JSON.stringify(roleRef.name)} not found${where}`, field: 'roleRef.name' });
  }
}
