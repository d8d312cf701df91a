import { StatusError } from '@imagestreams/contracts';
import type { PlannedObject } from './instance-objects';

/** Creates and deletes the objects other services own (stream-service, trigger-dispatcher). */
export interface RemoteObjects {
  /** Creates the object in its owner; resolves to the uid the owner gave it. */
  create(object: PlannedObject): Promise<string>;
  /** Deletes the object; an object already gone (404) counts as deleted. */
  delete(object: PlannedObject): Promise<void>;
  /**
   * After a create whose outcome is unknown (the owner did not answer in time, or the connection
   * failed): deletes the object if it exists and carries this instance's owner label.
   */
  deleteIfCreated(object: PlannedObject): Promise<void>;
}

/** One object that could not be created (or, while rolling back, deleted), with the owner's message. */
export interface ObjectFailure {
  position: number;
  kind: string;
  name: string;
  message: string;
}

export interface InstantiationOutcome {
  /** Empty when every object was created. */
  failures: ObjectFailure[];
  /**
   * The uid of each remote object that exists afterwards, by position: all of them on success;
   * after a failure only the ones the rollback could not delete.
   */
  remaining: Map<number, string>;
  /** Objects created and then not deleted by the rollback (they stay listed on the instance). */
  rollbackFailures: ObjectFailure[];
  /**
   * Positions of objects whose create had an unknown outcome and that the rollback could not
   * check: they may exist (without a known uid); deleting the instance looks for them again.
   */
  unresolved: number[];
}

/** A failure after which the object may exist all the same: no answer in time, no connection, an owner's internal error. */
export function outcomeUnknown(error: unknown): boolean {
  return !(error instanceof StatusError) || error.status.code >= 500;
}

export function failureMessageOf(error: unknown): string {
  if (error instanceof StatusError) return error.status.message ?? error.status.reason ?? `failed with ${error.status.code}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates the remote objects of a plan while `storeLocal` stores the instance's own objects (one
 * statement in the caller's transaction, which the caller rolls back on failure), and on any
 * failure deletes every remote object it created (and any whose create had an unknown outcome,
 * if it exists with this instance's owner label): either all objects exist afterwards, or none
 * that could be deleted.
 *
 * Order: the ImageStreams one after another in template order (a stream's spec can refer to an
 * earlier stream's tag), then every workload at once. Workloads come after the streams because
 * trigger-dispatcher resolves their triggers when they are created and listens for tag events
 * from then on: a workload created concurrently with a stream whose tag resolves at creation could
 * miss both the initial evaluation and the event. Workloads do not depend on each other. Nothing
 * new is started once a failure is known; what is in flight is awaited, then rolled back
 * (deleted concurrently: no object needs another to be deleted).
 */
export async function instantiateObjects(objects: readonly PlannedObject[], remote: RemoteObjects, storeLocal: () => Promise<ObjectFailure[]>): Promise<InstantiationOutcome> {
  const failures: ObjectFailure[] = [];
  const created = new Map<number, { object: PlannedObject; uid: string }>();
  const uncertain: PlannedObject[] = [];
  const failure = (object: PlannedObject, error: unknown): ObjectFailure => ({ position: object.position, kind: object.kind, name: object.name, message: failureMessageOf(error) });

  const local = storeLocal().then(
    (problems) => void failures.push(...problems),
    (error: unknown) => void failures.push({ position: -1, kind: '', name: '', message: `storing the objects failed: ${failureMessageOf(error)}` }),
  );
  const create = async (object: PlannedObject): Promise<void> => {
    try {
      created.set(object.position, { object, uid: await remote.create(object) });
    } catch (error) {
      failures.push(failure(object, error));
      if (outcomeUnknown(error)) uncertain.push(object);
    }
  };

  for (const stream of objects.filter((object) => object.owner === 'stream-service')) {
    if (failures.length) break;
    await create(stream);
  }
  if (!failures.length) await Promise.all(objects.filter((object) => object.owner === 'trigger-dispatcher').map(create));
  await local;

  const remaining = new Map([...created].map(([position, entry]) => [position, entry.uid]));
  if (!failures.length) return { failures, remaining, rollbackFailures: [], unresolved: [] };

  const rollbackFailures: ObjectFailure[] = [];
  const unresolved: number[] = [];
  await Promise.all([
    ...[...created.values()].map(async ({ object }) => {
      try {
        await remote.delete(object);
        remaining.delete(object.position);
      } catch (error) {
        rollbackFailures.push(failure(object, error));
      }
    }),
    ...uncertain.map(async (object) => {
      try {
        await remote.deleteIfCreated(object);
      } catch (error) {
        rollbackFailures.push(failure(object, error));
        unresolved.push(object.position);
      }
    }),
  ]);
  const byPosition = (a: ObjectFailure, b: ObjectFailure) => a.position - b.position;
  return { failures: failures.sort(byPosition), remaining, rollbackFailures: rollbackFailures.sort(byPosition), unresolved: unresolved.sort((a, b) => a - b) };
}

/**
 * The InstantiateFailure message: OpenShift's aggregated errors, one per line (`<Kind> "<name>":
 * <the owner's message>`), then the objects the rollback could not delete.
 */
export function instantiateFailureMessage(outcome: Pick<InstantiationOutcome, 'failures' | 'rollbackFailures'>): string {
  const lines = outcome.failures.map((failure) => (failure.kind ? `${failure.kind} ${JSON.stringify(failure.name)}: ${failure.message}` : failure.message));
  for (const failure of outcome.rollbackFailures) {
    lines.push(`${failure.kind} ${JSON.stringify(failure.name)} may have been created and could not be deleted again (deleting the TemplateInstance retries): ${failure.message}`);
  }
  return lines.join('\n');
}
