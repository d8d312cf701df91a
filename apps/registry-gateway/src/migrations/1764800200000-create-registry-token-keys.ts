import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The key that signs the registry's bearer tokens when REGISTRY_TOKEN_KEY is not configured.
 * Every replica must verify what any other replica signed, so the key lives here: the first
 * gateway to start inserts a random one (insert-if-absent) and all of them read it back.
 */
export class CreateRegistryTokenKeys1764800200000 implements MigrationInterface {
  name = 'CreateRegistryTokenKeys1764800200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE registry_token_keys (
        -- One row per purpose; 'registry-token' is the only one today.
        id text PRIMARY KEY,
        key bytea NOT NULL CHECK (octet_length(key) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE registry_token_keys');
  }
}
