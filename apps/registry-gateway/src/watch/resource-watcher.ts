import { Injectable } from '@nestjs/common';
import {
  StatusError,
  wakeUpSubject,
  type List,
  type ListRequest,
  type NamespacedNotificationSubject,
  type RequestDefinition,
  type ResourceChanges,
  type ResourceChangesQuery,
  type WatchEvent,
} from '@imagestreams/contracts';
import { InjectNatsConnection, OwnerClient } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListOptions } from '../http/list-options';

/** The parts of Express's response used here (its types are not a dependency of this project). */
export type ExpressResponse = ServerResponse & { status(code: number): { json(body: unknown): void } };

export interface WatchOptions {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  timeoutSeconds: number;
}

/** A resource whose owner keeps a change log: how to list it, read its changes, and hear that they grew. */
export interface WatchableResource<T> {
  list: RequestDefinition<ListRequest, List<T>>;
  changes: RequestDefinition<ResourceChangesQuery, ResourceChanges<T>>;
  /** The owner's best-effort per-namespace wake-ups (core NATS). */
  wakeUps: NamespacedNotificationSubject;
}

/** Without a wake-up (they are best effort), the change log is still read this often. */
const POLL_INTERVAL_MS = 2_000;

/**
 * `?watch=true`: newline-delimited `{type, object}` events over one long HTTP response, Kubernetes
 * style. Without a resourceVersion the watch starts with ADDED for every current object; with one
 * it resumes after it (410 Expired when the owner's change log no longer reaches back that far).
 * The owner's change log is the source of truth; NATS notifications only say "look now".
 */
@Injectable()
export class ResourceWatcher {
  constructor(
    private readonly owners: OwnerClient,
    @InjectNatsConnection() private readonly connection: NatsConnection,
  ) {}

  /**
   * GET of a watchable collection: the list (label selector and paging applied by the owner), or
   * with `?watch=true` the watch. The raw response is needed for watches; lists are answered
   * through it too, as Nest would answer them.
   */
  async listOrWatch<T>(resource: WatchableResource<T>, namespace: string | undefined, options: ListOptions, request: IncomingMessage, response: ExpressResponse): Promise<void> {
    if (options.watch) {
      await this.serve(resource, request, response, { namespace, labelSelector: options.labelSelector, resourceVersion: options.resourceVersion, timeoutSeconds: options.timeoutSeconds });
      return;
    }
    const list = await this.owners.request(resource.list, { namespace, labelSelector: options.labelSelector, limit: options.limit, continue: options.continue });
    response.status(200).json(list);
  }

  async serve<T>(resource: WatchableResource<T>, request: IncomingMessage, response: ServerResponse, options: WatchOptions): Promise<void> {
    const { namespace, labelSelector } = options;
    let since: string;
    let initial: WatchEvent<T>[];
    // Everything that can fail on the client's input fails here, before the 200 is sent.
    if (!options.resourceVersion || options.resourceVersion === '0') {
      const list = await this.owners.request(resource.list, { namespace, labelSelector });
      initial = list.items.map((object) => ({ type: 'ADDED', object }));
      since = list.metadata.resourceVersion;
    } else {
      const changes = await this.owners.request(resource.changes, { namespace, labelSelector, sinceResourceVersion: options.resourceVersion });
      initial = changes.events;
      since = changes.resourceVersion;
    }

    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache', 'transfer-encoding': 'chunked' });
    // Send the headers now: a watch with nothing to report yet must still tell the client it is open.
    response.flushHeaders();
    const send = (events: WatchEvent<unknown>[]) => {
      if (events.length) response.write(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
    };
    send(initial);

    let wake: (() => void) | undefined;
    let open = true;
    const stop = () => {
      open = false;
      wake?.();
    };
    request.on('close', stop);
    const deadline = setTimeout(stop, options.timeoutSeconds * 1000);
    // Only this namespace's wake-ups reach this watch (all of them for a watch across namespaces).
    const subscription = this.connection.subscribe(wakeUpSubject(resource.wakeUps, namespace), { callback: () => wake?.() });
    try {
      while (open) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, POLL_INTERVAL_MS).unref();
        });
        if (!open) break;
        try {
          const changes = await this.owners.request(resource.changes, { namespace, labelSelector, sinceResourceVersion: since });
          send(changes.events);
          since = changes.resourceVersion;
        } catch (error) {
          // Mid-stream failures end the watch with an ERROR event, as Kubernetes does; clients re-list or retry.
          if (error instanceof StatusError) send([{ type: 'ERROR', object: error.status }]);
          break;
        }
      }
    } finally {
      clearTimeout(deadline);
      subscription.unsubscribe();
      request.off('close', stop);
      response.end();
    }
  }
}
