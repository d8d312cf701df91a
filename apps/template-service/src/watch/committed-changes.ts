import type { DataSource, EntityManager } from 'typeorm';
import type { ChangeNotifier } from './change-notifier';
import type { WatchKind } from './watch-kinds';

/**
 * Wakes watchers of `kind` after the writes that change them commit: a wake-up sent before the
 * commit could send a watcher to the change log before the entry is visible, and it would then
 * wait for its next poll. A repository runs its transactions through here and reports each write.
 */
export class CommittedChanges {
  /** Namespaces written in each open transaction. */
  private readonly open = new WeakMap<EntityManager, Set<string>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly notifier: ChangeNotifier,
    private readonly kind: WatchKind,
  ) {}

  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const written = new Set<string>();
    const result = await this.dataSource.transaction(async (manager) => {
      this.open.set(manager, written);
      try {
        return await work(manager);
      } finally {
        this.open.delete(manager);
      }
    });
    for (const namespace of written) this.notifier.changed(this.kind, namespace);
    return result;
  }

  /**
   * A write of an object in `namespace` through `db`: a statement of its own (the DataSource) has
   * committed, so watchers are woken now; one inside a transaction of `transaction()` wakes them
   * after it commits. A transaction opened elsewhere wakes nobody (watchers still poll).
   */
  written(db: DataSource | EntityManager, namespace: string): void {
    if (db === this.dataSource) this.notifier.changed(this.kind, namespace);
    else this.open.get(db as EntityManager)?.add(namespace);
  }
}
