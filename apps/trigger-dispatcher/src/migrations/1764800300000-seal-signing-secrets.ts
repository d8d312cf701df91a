import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook signing secrets sealed at rest (AES-256-GCM, SECRETS_ENCRYPTION_KEY; docs/access-control.md).
 *
 * The plaintext columns stay, nullable, for now: a migration has no key, so it cannot seal. The
 * service seals every plaintext row at start (and clears the plaintext) before it takes work, and
 * again every few minutes for rows that replicas still running the previous release write during a
 * rolling upgrade. A later release drops `signing_secret` and `previous_signing_secret`, refusing
 * to run while any row still holds one.
 */
export class SealSigningSecrets1764800300000 implements MigrationInterface {
  name = 'SealSigningSecrets1764800300000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE webhook_subscriptions
        ADD COLUMN sealed_signing_secret bytea,
        ADD COLUMN sealed_previous_signing_secret bytea,
        ALTER COLUMN signing_secret DROP NOT NULL,
        ADD CONSTRAINT webhook_subscriptions_signing_secret_present CHECK (sealed_signing_secret IS NOT NULL OR signing_secret IS NOT NULL);
    `);
  }

  /** Rows sealed meanwhile cannot be opened here (no key): down refuses rather than lose their secrets. */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM webhook_subscriptions WHERE signing_secret IS NULL) THEN
          RAISE EXCEPTION 'webhook signing secrets are sealed: reverting would lose them';
        END IF;
      END $$;
      ALTER TABLE webhook_subscriptions
        DROP CONSTRAINT webhook_subscriptions_signing_secret_present,
        ALTER COLUMN signing_secret SET NOT NULL,
        DROP COLUMN sealed_signing_secret,
        DROP COLUMN sealed_previous_signing_secret;
    `);
  }
}
