import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deleting a BuildConfig left its Builds behind; it now deletes them (as OpenShift cascades). The
 * ones already left are deleted here: every Build comes from a BuildConfig, so a Build whose
 * BuildConfig is gone is such a leftover, and it would collide with the builds of a BuildConfig
 * created again under that name. Down is a no-op: the deleted rows belonged to nothing.
 */
export class DeleteOrphanedBuilds1765400000000 implements MigrationInterface {
  name = 'DeleteOrphanedBuilds1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DELETE FROM builds b
      WHERE NOT EXISTS (SELECT 1 FROM workloads w WHERE w.namespace = b.namespace AND w.kind = 'BuildConfig' AND w.name = b.build_config)
    `);
  }

  async down(): Promise<void> {
    // Nothing to restore.
  }
}
