import { NotificationSubjects, Statuses, StatusError, TemplateRequests, wakeUpSubject, type Template, type TemplateChanges, type TemplateList } from '@imagestreams/contracts';
import type { OwnerClient } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeOwnerClient } from '../testing/test-gateway';
import { ResourceWatcher, type WatchOptions } from './resource-watcher';
import { TEMPLATES } from './watchable-resources';

/** Core NATS as the watcher uses it: subscriptions by subject (`*` matches one token), wake-ups delivered on demand. */
class FakeWakeUps {
  private readonly callbacks = new Map<string, Set<(error: Error | null, message: { json(): unknown }) => void>>();

  subscribe(subject: string, options: { callback: (error: Error | null, message: { json(): unknown }) => void }) {
    const subscribers = this.callbacks.get(subject) ?? new Set();
    this.callbacks.set(subject, subscribers);
    subscribers.add(options.callback);
    return { unsubscribe: () => subscribers.delete(options.callback) };
  }

  publish(subject: string, payload: unknown): void {
    const tokens = subject.split('.');
    for (const [pattern, callbacks] of this.callbacks) {
      const wanted = pattern.split('.');
      if (wanted.length !== tokens.length || !wanted.every((token, index) => token === '*' || token === tokens[index])) continue;
      for (const callback of callbacks) callback(null, { json: () => payload });
    }
  }

  subscribers(subject: string): number {
    return this.callbacks.get(subject)?.size ?? 0;
  }

  all(): number {
    return [...this.callbacks.values()].reduce((sum, callbacks) => sum + callbacks.size, 0);
  }
}

function template(name: string, resourceVersion: string): Template {
  return { kind: 'Template', apiVersion: 'template.openshift.io/v1', metadata: { name, namespace: 'team-a', uid: `uid-${name}`, resourceVersion, creationTimestamp: '2026-01-01T00:00:00Z' }, objects: [] };
}

async function until<T>(read: () => T | undefined, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A watch as a client reads it: the status, then newline-delimited events until the server ends it. */
class WatchClient {
  readonly lines: unknown[] = [];
  ended = false;
  status = 0;
  body = '';

  constructor(url: string) {
    void fetch(url).then(async (response) => {
      this.status = response.status;
      const reader = response.body?.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
          this.lines.push(JSON.parse(buffer.slice(0, newline)));
          buffer = buffer.slice(newline + 1);
        }
      }
      this.body = buffer;
      this.ended = true;
    }).catch(() => {
      // The server closed the connection under an open watch (each test's end).
      this.ended = true;
    });
  }

  events(count: number): Promise<unknown[]> {
    return until(() => (this.lines.length >= count ? this.lines.slice(0, count) : undefined), `${count} events (have ${JSON.stringify(this.lines)})`);
  }
}

describe('ResourceWatcher', () => {
  let owners: FakeOwnerClient;
  let wakeUps: FakeWakeUps;
  let server: Server;
  let base: string;

  beforeEach(async () => {
    owners = new FakeOwnerClient();
    wakeUps = new FakeWakeUps();
    const watcher = new ResourceWatcher(owners as unknown as OwnerClient, wakeUps as unknown as NatsConnection);
    server = createServer((request, response) => {
      const query = new URL(request.url ?? '/', 'http://x').searchParams;
      const options: WatchOptions = {
        namespace: query.get('namespace') ?? undefined,
        resourceVersion: query.get('resourceVersion') ?? undefined,
        labelSelector: query.get('labelSelector') ?? undefined,
        timeoutSeconds: Number(query.get('timeoutSeconds') ?? 60),
      };
      watcher.serve(TEMPLATES, request, response, options).catch((error: unknown) => {
        const status = error instanceof StatusError ? error.status : Statuses.internal();
        response.writeHead(status.code, { 'content-type': 'application/json' });
        response.end(JSON.stringify(status));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const watch = (query: string) => new WatchClient(`${base}?${query}`);

  const changesCalls = () => owners.calls.filter((call) => call.subject === TemplateRequests.changes.subject).map((call) => call.payload);

  it('starts with ADDED for every listed object, then reads the change log after the list when its namespace is woken', async () => {
    owners.answer(TemplateRequests.list, (): TemplateList => ({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: '7' }, items: [template('a', '5')] }));
    const answers: TemplateChanges[] = [{ resourceVersion: '9', events: [{ type: 'MODIFIED', object: template('a', '9') }] }];
    owners.answer(TemplateRequests.changes, () => answers.shift() ?? { resourceVersion: '9', events: [] });

    const client = watch('namespace=team-a&labelSelector=app%3Dweb');
    expect(await client.events(1)).toEqual([{ type: 'ADDED', object: template('a', '5') }]);
    expect(client.status).toBe(200);
    expect(owners.calls[0]).toEqual({ subject: TemplateRequests.list.subject, payload: { namespace: 'team-a', labelSelector: 'app=web' } });

    // Subscribed to the resource's own wake-ups, of its namespace only.
    const teamA = wakeUpSubject(NotificationSubjects.templatesChanged, 'team-a');
    await until(() => wakeUps.subscribers(teamA) || undefined, 'the subscription');
    expect(wakeUps.all()).toBe(1);
    wakeUps.publish(teamA, { namespace: 'team-a' });
    expect((await client.events(2))[1]).toEqual({ type: 'MODIFIED', object: template('a', '9') });
    expect(changesCalls()[0]).toEqual({ namespace: 'team-a', labelSelector: 'app=web', sinceResourceVersion: '7' });

    // The next read continues where the last one ended.
    wakeUps.publish(teamA, { namespace: 'team-a' });
    await until(() => changesCalls()[1], 'a second read of the change log');
    expect(changesCalls()[1]).toEqual({ namespace: 'team-a', labelSelector: 'app=web', sinceResourceVersion: '9' });
  });

  it('resumes after a resourceVersion with the changes since, without listing', async () => {
    owners.answer(TemplateRequests.changes, () => ({ resourceVersion: '12', events: [{ type: 'DELETED', object: template('b', '12') }] }));

    const client = watch('resourceVersion=10');

    expect(await client.events(1)).toEqual([{ type: 'DELETED', object: template('b', '12') }]);
    expect(owners.calls[0]).toEqual({ subject: TemplateRequests.changes.subject, payload: { sinceResourceVersion: '10' } });
  });

  it('answers a resourceVersion the owner no longer reaches back to with its 410 Status instead of opening the watch', async () => {
    owners.fail(TemplateRequests.changes, Statuses.expired('too old resource version: 1'));

    const client = watch('resourceVersion=1');

    await until(() => (client.ended ? true : undefined), 'the answer');
    expect(client.status).toBe(410);
    expect(JSON.parse(client.body)).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(wakeUps.all()).toBe(0);
  });

  it('ends the watch with an ERROR event carrying the Status when a later read fails', async () => {
    owners.answer(TemplateRequests.list, (): TemplateList => ({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: '3' }, items: [] }));
    owners.fail(TemplateRequests.changes, Statuses.expired('too old resource version: 3'));

    const client = watch('');
    // A watch across namespaces hears every namespace's wake-ups.
    await until(() => wakeUps.subscribers(wakeUpSubject(NotificationSubjects.templatesChanged)) || undefined, 'the subscription');
    wakeUps.publish(wakeUpSubject(NotificationSubjects.templatesChanged, 'anywhere'), { namespace: 'anywhere' });

    expect(await client.events(1)).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', reason: 'Expired', code: 410 }) }]);
    await until(() => (client.ended ? true : undefined), 'the end of the watch');
    expect(wakeUps.all()).toBe(0);
  });

  it('ends the watch after timeoutSeconds and unsubscribes', async () => {
    owners.answer(TemplateRequests.list, (): TemplateList => ({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: '3' }, items: [] }));
    owners.answer(TemplateRequests.changes, () => ({ resourceVersion: '3', events: [] }));

    const client = watch('timeoutSeconds=1');

    await until(() => (client.ended ? true : undefined), 'the end of the watch');
    expect(client.status).toBe(200);
    expect(client.lines).toEqual([]);
    expect(wakeUps.all()).toBe(0);
  });
});
