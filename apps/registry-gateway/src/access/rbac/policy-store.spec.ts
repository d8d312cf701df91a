import { NotificationSubjects } from '@imagestreams/contracts';
import { ANONYMOUS, serviceAccountIdentity, userIdentity } from '@imagestreams/domain-access';
import type { NatsConnection } from 'nats';
import { POLICY_TTL_MS, PolicyStore } from './policy-store';
import type { RbacRepository } from './rbac.repository';

type Policy = Awaited<ReturnType<RbacRepository['policy']>>;

class FakeRepository {
  loads = 0;
  policyRows: Policy = { roles: [], bindings: [] };
  readonly ensured: unknown[][] = [];
  ensureChanges = true;
  private gate?: Promise<void>;
  private openGate?: () => void;

  holdLoads(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  releaseLoads(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async policy(): Promise<Policy> {
    this.loads += 1;
    const rows = this.policyRows;
    await this.gate;
    return rows;
  }

  async ensureBindingSubject(...args: unknown[]): Promise<boolean> {
    this.ensured.push(args);
    return this.ensureChanges;
  }
}

class FakeNats {
  readonly published: string[] = [];
  readonly callbacks = new Map<string, () => void>();

  publish(subject: string): void {
    this.published.push(subject);
  }

  subscribe(subject: string, options: { callback: () => void }): { unsubscribe: () => void } {
    this.callbacks.set(subject, options.callback);
    return { unsubscribe: () => this.callbacks.delete(subject) };
  }

  notify(subject: string): void {
    this.callbacks.get(subject)?.();
  }
}

const puller = (namespace: string) => ({
  roles: [{ namespace, name: 'puller', rules: [{ verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'] }] }],
  bindings: [],
});

describe('PolicyStore', () => {
  let repository: FakeRepository;
  let nats: FakeNats;
  let store: PolicyStore;

  beforeEach(() => {
    jest.useFakeTimers();
    repository = new FakeRepository();
    nats = new FakeNats();
    store = new PolicyStore(repository as unknown as RbacRepository, nats as unknown as NatsConnection);
    store.onModuleInit();
  });

  afterEach(() => {
    store.onModuleDestroy();
    jest.useRealTimers();
  });

  it('serves the policy from memory once loaded', async () => {
    repository.policyRows = puller('a');
    await store.snapshot();
    const policy = await store.snapshot();

    expect(repository.loads).toBe(1);
    expect(policy.role('a', 'puller')).toHaveLength(1);
  });

  it('reloads after an accessChanged notification from any replica', async () => {
    await store.snapshot();
    repository.policyRows = puller('a');
    nats.notify(NotificationSubjects.accessChanged);

    expect((await store.snapshot()).role('a', 'puller')).toBeDefined();
    expect(repository.loads).toBe(2);
  });

  it('reloads once the snapshot is older than the TTL, even without a notification', async () => {
    await store.snapshot();
    await jest.advanceTimersByTimeAsync(POLICY_TTL_MS - 1);
    await store.snapshot();
    expect(repository.loads).toBe(1);

    await jest.advanceTimersByTimeAsync(1);
    await store.snapshot();
    expect(repository.loads).toBe(2);
  });

  it('shares one load between concurrent callers', async () => {
    repository.holdLoads();
    const waiting = [store.snapshot(), store.snapshot(), store.snapshot()];
    repository.releaseLoads();
    await Promise.all(waiting);

    expect(repository.loads).toBe(1);
  });

  it('does not keep a load that began before a change, and does not let later callers join it', async () => {
    repository.holdLoads();
    const stale = store.snapshot();
    repository.policyRows = puller('a');
    store.invalidate();
    const fresh = store.snapshot();
    repository.releaseLoads();

    expect((await stale).role('a', 'puller')).toBeUndefined();
    expect((await fresh).role('a', 'puller')).toBeDefined();
    await store.snapshot();
    expect(repository.loads).toBe(2);
  });

  it('announces its own writes and reloads at once', async () => {
    await store.snapshot();
    repository.policyRows = puller('a');
    store.changed();

    expect(nats.published).toEqual([NotificationSubjects.accessChanged]);
    expect((await store.snapshot()).role('a', 'puller')).toBeDefined();
  });

  it("binds a namespace's creator to admin: a user by name, a service account as itself, nobody for anonymous", async () => {
    await store.bindNamespaceAdmin('team-a', userIdentity('alice'));
    await store.bindNamespaceAdmin('team-b', serviceAccountIdentity('ci', 'robot'));
    await store.bindNamespaceAdmin('team-c', ANONYMOUS);

    const adminRole = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' };
    expect(repository.ensured).toEqual([
      ['team-a', 'admin', adminRole, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }],
      ['team-b', 'admin', adminRole, { kind: 'ServiceAccount', apiGroup: '', name: 'robot', namespace: 'ci' }],
    ]);
    expect(nats.published).toHaveLength(2);
  });

  it('announces nothing when the creator was bound already', async () => {
    repository.ensureChanges = false;
    await store.bindNamespaceAdmin('team-a', userIdentity('alice'));

    expect(nats.published).toEqual([]);
  });
});
