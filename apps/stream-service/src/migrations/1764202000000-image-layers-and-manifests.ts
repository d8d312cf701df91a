import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the registry records about an image besides its pull spec: its layers (base first) and,
 * for a manifest list, the platform manifests it points at. Both are JSON arrays, NULL when the
 * mapping did not say (images recorded before this migration, or imports that know no more).
 */
export class ImageLayersAndManifests1764202000000 implements MigrationInterface {
  name = 'ImageLayersAndManifests1764202000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE images ADD COLUMN layers jsonb, ADD COLUMN manifests jsonb');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE images DROP COLUMN manifests, DROP COLUMN layers');
  }
}
