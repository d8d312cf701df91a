/**
 * Where integration tests find the real servers. Defaults are this machine's (and CI's) local
 * Postgres and NATS; override with TEST_DATABASE_URL / TEST_NATS_URL.
 */
export function testDatabaseUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function testNatsUrl(): string {
  return process.env['TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
}
