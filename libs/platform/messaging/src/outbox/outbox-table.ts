/**
 * The outbox table every publishing service creates in its own schema (in a migration that
 * embeds this frozen SQL). `payload` is text, not jsonb: the relay must publish the exact bytes
 * that were committed, because receivers verify signatures over them.
 */
export const OUTBOX_TABLE_V1_SQL = `
  CREATE TABLE outbox (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    subject text NOT NULL,
    payload text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz
  );
  CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;
  CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
`;
