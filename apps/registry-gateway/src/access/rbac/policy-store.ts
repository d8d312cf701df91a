import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { NotificationSubjects, RBAC_API_GROUP, type RbacSubject } from '@imagestreams/contracts';
import type { Identity, PolicySource } from '@imagestreams/domain-access';
import { InjectNatsConnection } from '@imagestreams/platform-messaging';
import type { NatsConnection, Subscription } from 'nats';
import { policyBinding } from './rbac-objects';
import { RbacRepository } from './rbac.repository';
import { policySnapshot } from './policy-snapshot';

/** A snapshot older than this is reloaded even without a notification (they are best effort). */
export const POLICY_TTL_MS = 5_000;

/** The binding OpenShift gives a namespace's creator. */
export const NAMESPACE_ADMIN_BINDING = 'admin';

/** Who a binding names for an identity: its service account, or its user name. */
function subjectFor(identity: Identity): RbacSubject | undefined {
  if (identity.kind === 'ServiceAccount' && identity.namespace) return { kind: 'ServiceAccount', apiGroup: '', name: identity.name, namespace: identity.namespace };
  if (identity.kind === 'User') return { kind: 'User', apiGroup: RBAC_API_GROUP, name: identity.username };
  return undefined;
}

/**
 * The RBAC policy the authorizer reads, served from memory: loaded from Postgres (two queries) on
 * first use, after any replica announces a change (`accessChanged` on core NATS), and when older
 * than POLICY_TTL_MS. A write here drops this replica's copy before it returns, so the writer's next
 * request already sees it; other replicas see it as soon as the notification arrives.
 */
@Injectable()
export class PolicyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PolicyStore.name);
  private current?: { policy: PolicySource; loadedAt: number };
  /** Moves on every change: a load that began before one must not be kept as current. */
  private generation = 0;
  private loading?: { generation: number; promise: Promise<PolicySource> };
  private subscription?: Subscription;

  constructor(
    private readonly repository: RbacRepository,
    @InjectNatsConnection() private readonly connection: NatsConnection,
  ) {}

  onModuleInit(): void {
    this.subscription = this.connection.subscribe(NotificationSubjects.accessChanged, { callback: () => this.invalidate() });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  async snapshot(): Promise<PolicySource> {
    if (this.current && Date.now() - this.current.loadedAt < POLICY_TTL_MS) return this.current.policy;
    if (this.loading?.generation === this.generation) return this.loading.promise;
    const generation = this.generation;
    const promise = this.load(generation).finally(() => {
      if (this.loading?.promise === promise) this.loading = undefined;
    });
    this.loading = { generation, promise };
    return promise;
  }

  /** Drops the cached policy here; the next request reloads it. */
  invalidate(): void {
    this.generation += 1;
    this.current = undefined;
  }

  /** After an RBAC write committed: reload here at once, and tell every other replica. */
  changed(): void {
    this.invalidate();
    try {
      this.connection.publish(NotificationSubjects.accessChanged);
    } catch (error) {
      // The write is committed; other replicas catch up within POLICY_TTL_MS.
      this.logger.warn(`could not announce a policy change: ${(error as Error).message}`);
    }
  }

  /**
   * Makes the creator of a namespace its `admin` (RoleBinding `admin` to ClusterRole `admin`, as
   * OpenShift's project request does). Idempotent: an existing `admin` binding gains the creator
   * and loses nobody. Anonymous callers get nothing.
   */
  async bindNamespaceAdmin(namespace: string, identity: Identity): Promise<void> {
    const subject = subjectFor(identity);
    if (!subject) return;
    const changed = await this.repository.ensureBindingSubject(namespace, NAMESPACE_ADMIN_BINDING, { apiGroup: RBAC_API_GROUP, kind: 'ClusterRole', name: 'admin' }, subject);
    if (changed) this.changed();
  }

  /** A deleted namespace's Roles and RoleBindings go with it, so a namespace created again later starts with none. */
  async forgetNamespace(namespace: string): Promise<void> {
    if ((await this.repository.deleteNamespace(namespace)) > 0) this.changed();
  }

  private async load(generation: number): Promise<PolicySource> {
    // The snapshot is as old as the moment it was read, not the moment the rows arrived.
    const startedAt = Date.now();
    const { roles, bindings } = await this.repository.policy();
    const policy = policySnapshot(
      roles.map((role) => ({ ...(role.namespace ? { namespace: role.namespace } : {}), name: role.name, rules: role.rules })),
      bindings.map(policyBinding),
    );
    if (generation === this.generation) this.current = { policy, loadedAt: startedAt };
    return policy;
  }
}
