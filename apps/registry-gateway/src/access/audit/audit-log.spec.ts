import { Logger } from '@nestjs/common';
import type { AuditEntry } from './audit-entry';
import type { AuditEventsRepository } from './audit-events.repository';
import { AUDIT_FLUSH_INTERVAL_MS, AuditLog } from './audit-log';

function entry(index: number): AuditEntry {
  return {
    at: new Date(1_700_000_000_000 + index),
    username: `user-${index}`,
    groups: [],
    verb: 'create',
    apiGroup: '',
    resource: 'namespaces',
    subresource: '',
    namespace: '',
    name: '',
    method: 'POST',
    path: '/api/v1/namespaces',
    statusCode: 201,
    sourceIp: '',
    userAgent: '',
  };
}

class FakeEvents {
  readonly batches: AuditEntry[][] = [];
  failNext = false;

  async insert(entries: readonly AuditEntry[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('connection refused');
    }
    this.batches.push([...entries]);
  }
}

describe('AuditLog', () => {
  let events: FakeEvents;
  let log: AuditLog;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    events = new FakeEvents();
    log = new AuditLog(events as unknown as AuditEventsRepository);
  });

  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('writes what was recorded together as one batch once the flush interval passes', async () => {
    log.record(entry(1));
    log.record(entry(2));
    await jest.advanceTimersByTimeAsync(AUDIT_FLUSH_INTERVAL_MS - 1);
    expect(events.batches).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    expect(events.batches).toEqual([[entry(1), entry(2)]]);
  });

  it('writes at once when a batch is full, in batches of 100, in recording order', async () => {
    for (let index = 0; index < 150; index += 1) log.record(entry(index));
    await jest.advanceTimersByTimeAsync(0);

    expect(events.batches.map((batch) => batch.length)).toEqual([100, 50]);
    expect(events.batches.flat().map((one) => one.username)).toEqual(Array.from({ length: 150 }, (_, index) => `user-${index}`));
  });

  it('drops a batch the database refused (logging it) and keeps writing later ones', async () => {
    events.failNext = true;
    log.record(entry(1));
    await jest.advanceTimersByTimeAsync(AUDIT_FLUSH_INTERVAL_MS);
    log.record(entry(2));
    await jest.advanceTimersByTimeAsync(AUDIT_FLUSH_INTERVAL_MS);

    expect(events.batches).toEqual([[entry(2)]]);
    expect(Logger.prototype.error).toHaveBeenCalledWith(expect.stringContaining('could not write 1 audit entries: connection refused'));
  });

  it('writes what is left when the application shuts down', async () => {
    log.record(entry(1));
    await log.onApplicationShutdown();

    expect(events.batches).toEqual([[entry(1)]]);
  });
});
