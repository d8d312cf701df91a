import { Global, Module } from '@nestjs/common';
import { ClusterRoleBindingsController } from './cluster-role-bindings.controller';
import { ClusterRolesController } from './cluster-roles.controller';
import { EscalationGuard } from './escalation-guard';
import { PolicyStore } from './policy-store';
import { RbacBindings } from './rbac-bindings';
import { RbacRoles } from './rbac-roles';
import { RbacRepository } from './rbac.repository';
import { RoleBindingsController } from './role-bindings.controller';
import { RolesController } from './roles.controller';
import { SelfSubjectAccessReviewsController } from './self-subject-access-reviews.controller';

/**
 * RBAC: the policy the authorizer reads (PolicyStore) and the Kubernetes APIs that change it, plus
 * SelfSubjectAccessReview. Global so AccessModule's AccessControl and NamespaceAccess reach
 * PolicyStore (its own controllers use AccessControl in turn); only a gateway with its database has it.
 */
@Global()
@Module({
  controllers: [RolesController, RoleBindingsController, ClusterRolesController, ClusterRoleBindingsController, SelfSubjectAccessReviewsController],
  providers: [RbacRepository, PolicyStore, EscalationGuard, RbacRoles, RbacBindings],
  exports: [PolicyStore],
})
export class RbacModule {}
