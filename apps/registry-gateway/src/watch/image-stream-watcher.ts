import { Injectable } from '@nestjs/common';
import {
  ImageRequests,
  ImageStreamWatchRequests,
  NotificationSubjects,
  StatusError,
  type ImageStream,
  type WatchEvent,
} from '@imagestreams/contracts';
import { InjectNatsConnection, OwnerClient } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface WatchOptions {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  timeoutSeconds: number;
}

/** Without a wake-up (they are best effort), the change log is still read this often. */
const POLL_INTERVAL_MS = 2_000;

/**
 * `?watch=true`: newline-delimited `{type, object}` events over one long HTTP response, Kubernetes
 * style. Without a resourceVersion the watch starts with ADDED for every current stream; with one it
 * resumes after it (410 Expired when the owner's change log no longer reaches back that far). The
 * owner's change log is the source of truth; NATS notifications only say "look now".
 */
@Injectable()
export class ImageStreamWatcher {
  constructor(
    private readonly owners: OwnerClient,
    @InjectNatsConnection() private readonly connection: NatsConnection,
  ) {}

  async serve(request: IncomingMessage, response: ServerResponse, options: WatchOptions): Promise<void> {
    const { namespace, labelSelector } = options;
    let since: string;
    let initial: WatchEvent<ImageStream>[];
    // Everything that can fail on the client's input fails here, before the 200 is sent.
    if (!options.resourceVersion || options.resourceVersion === '0') {
      const list = await this.owners.request(ImageRequests.listImageStreams, { namespace, labelSelector });
      initial = list.items.map((object) => ({ type: 'ADDED', object }));
      since = list.metadata.resourceVersion;
    } else {
      const changes = await this.owners.request(ImageStreamWatchRequests.changes, { namespace, labelSelector, sinceResourceVersion: options.resourceVersion });
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
    const subscription = this.connection.subscribe(NotificationSubjects.imageStreamsChanged, {
      callback: (_error, message) => {
        const changed = (message.json() as { namespace?: string }).namespace;
        if (namespace === undefined || changed === namespace) wake?.();
      },
    });
    try {
      while (open) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, POLL_INTERVAL_MS).unref();
        });
        if (!open) break;
        try {
          const changes = await this.owners.request(ImageStreamWatchRequests.changes, { namespace, labelSelector, sinceResourceVersion: since });
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
