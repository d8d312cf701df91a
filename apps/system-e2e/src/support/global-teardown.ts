import './register-paths';
import { dropDatabase, type NatsHandle, type ServiceLogFile, type Stack } from '@imagestreams/stack';

const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

export default async function globalTeardown(): Promise<void> {
  const e2e = (globalThis as Record<string, unknown>)['__E2E__'] as
    | { stack: Stack; nats: NatsHandle; control: { close(): Promise<void> }; databaseName: string; serviceLog: ServiceLogFile }
    | undefined;
  if (!e2e) return;
  await e2e.control.close();
  await e2e.stack.stop();
  await e2e.nats.stop();
  await e2e.serviceLog.close();
  await dropDatabase(`${POSTGRES_SERVER_URL}/postgres`, e2e.databaseName);
}
