import type { DataSource, EntityManager } from 'typeorm';
import type { SecretKeyRing } from './secret-key-ring';

export interface SealedColumn {
  /** bytea column holding the sealed value (NULL allowed). */
  sealed: string;
  /**
   * A text column from before the value was sealed, when there is one. Only code from before
   * sealing writes it, so a value there is newer than the sealed one: it is sealed and cleared.
   */
  plaintext?: string;
}

/** A table with sealed columns, keyed by a unique column the pass walks in order. */
export interface SealedTable {
  table: string;
  key: string;
  keyType: 'uuid' | 'text';
  columns: SealedColumn[];
  /** What a row holds, for log lines ("webhook signing secrets"). */
  describes: string;
}

export interface ResealOutcome {
  /** Rows written: values sealed under another key (or not sealed at all) now under the current key. */
  resealed: number;
  /** Values no configured key opens, left as they are. */
  unreadable: number;
  /** The keys (ids, hex) those were sealed under; `legacy` for header-less ones. */
  unreadableKeyIds: string[];
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

/**
 * One pass that brings every row of the table under the ring's current key, in batches of
 * `batchSize` rows, each batch one short transaction. Idempotent (rows already under the current
 * key are never selected) and safe with several replicas at once: a batch locks its rows
 * `FOR UPDATE SKIP LOCKED`, so replicas split the work, and a row another writer holds is passed
 * over and left to the next pass. The pass walks the key upwards, so it ends even when some values
 * cannot be opened.
 */
export async function resealTable(dataSource: DataSource, ring: SecretKeyRing, table: SealedTable, batchSize = 100): Promise<ResealOutcome> {
  for (const name of [table.table, table.key, ...table.columns.flatMap((column) => [column.sealed, column.plaintext ?? 'x'])]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${name}`);
  }
  const outcome: ResealOutcome = { resealed: 0, unreadable: 0, unreadableKeyIds: [] };
  let after: string | null = null;
  for (;;) {
    const last: string | null = await dataSource.transaction((manager) => resealBatch(manager, ring, table, after, batchSize, outcome));
    if (last === null) return outcome;
    after = last;
  }
}

type Row = Record<string, string | Buffer | null>;

/** The last key of the batch, null when there was nothing left to look at. */
async function resealBatch(manager: EntityManager, ring: SecretKeyRing, table: SealedTable, after: string | null, batchSize: number, outcome: ResealOutcome): Promise<string | null> {
  const { key, keyType, columns } = table;
  const selected = columns.flatMap((column) => [column.sealed, ...(column.plaintext ? [column.plaintext] : [])]);
  const stale = columns.map((column) => `(${column.sealed} IS NOT NULL AND substring(${column.sealed} FROM 1 FOR ${ring.currentHeader.length}) <> $2)${column.plaintext ? ` OR ${column.plaintext} IS NOT NULL` : ''}`);
  const rows: Row[] = await manager.query(
    `SELECT ${key}::text AS key, ${selected.join(', ')} FROM ${table.table}
     WHERE ($1::${keyType} IS NULL OR ${key} > $1::${keyType}) AND (${stale.join(' OR ')})
     ORDER BY ${key} LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [after, ring.currentHeader, batchSize],
  );
  if (rows.length === 0) return null;

  const updates: { key: string; values: (Buffer | null)[] }[] = [];
  for (const row of rows) {
    let changed = false;
    const values = columns.map((column) => {
      const plaintext = column.plaintext ? (row[column.plaintext] as string | null) : null;
      if (plaintext !== null) {
        changed = true;
        return ring.seal(Buffer.from(plaintext, 'utf8'));
      }
      const sealed = row[column.sealed] as Buffer | null;
      if (sealed === null || !ring.needsReseal(sealed)) return sealed;
      try {
        const resealed = ring.reseal(sealed);
        changed = true;
        return resealed;
      } catch {
        outcome.unreadable += 1;
        const id = ring.keyIdOf(sealed) ?? 'legacy';
        if (!outcome.unreadableKeyIds.includes(id)) outcome.unreadableKeyIds.push(id);
        return sealed;
      }
    });
    if (changed) updates.push({ key: row['key'] as string, values });
  }

  if (updates.length) {
    const assignments = columns.flatMap((column, index) => [`${column.sealed} = input.c${index}`, ...(column.plaintext ? [`${column.plaintext} = NULL`] : [])]);
    await manager.query(
      `UPDATE ${table.table} t SET ${assignments.join(', ')}
       FROM unnest($1::${keyType}[], ${columns.map((_, index) => `$${index + 2}::bytea[]`).join(', ')}) AS input (key, ${columns.map((_, index) => `c${index}`).join(', ')})
       WHERE t.${key} = input.key`,
      [updates.map((update) => update.key), ...columns.map((_, index) => updates.map((update) => update.values[index]))],
    );
    outcome.resealed += updates.length;
  }
  return rows[rows.length - 1]['key'] as string;
}
