import type { NatsConnection } from 'nats';
import { ChangeNotifier } from './change-notifier';

/** For specs: a ChangeNotifier over a connection that records what it would publish. */
export function recordingNotifier(): { notifier: ChangeNotifier; published: { subject: string; namespace: string }[] } {
  const published: { subject: string; namespace: string }[] = [];
  const connection = {
    isClosed: () => false,
    publish: (subject: string, data: string) => published.push({ subject, namespace: (JSON.parse(data) as { namespace: string }).namespace }),
  };
  return { notifier: new ChangeNotifier(connection as unknown as NatsConnection), published };
}
