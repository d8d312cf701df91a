import {
  createCloudEvent,
  ImageStreamCreated,
  TagChanged,
  type ImageStreamCreatedV1,
  type TagChangedV1,
} from '@imagestreams/contracts';
import type { OutboxEntry } from '@imagestreams/platform-messaging';

const SOURCE = '/imagestreams/stream-service';

function streamSubject(namespace: string, imageStream: string, tag?: string): string {
  return `namespaces/${namespace}/imagestreams/${imageStream}${tag === undefined ? '' : `:${tag}`}`;
}

export function tagChangedEntry(data: TagChangedV1): OutboxEntry {
  return {
    subject: TagChanged.subject,
    event: createCloudEvent({ type: TagChanged.type, source: SOURCE, subject: streamSubject(data.namespace, data.imageStream, data.tag), data }),
  };
}

export function imageStreamCreatedEntry(data: ImageStreamCreatedV1): OutboxEntry {
  return {
    subject: ImageStreamCreated.subject,
    event: createCloudEvent({ type: ImageStreamCreated.type, source: SOURCE, subject: streamSubject(data.namespace, data.imageStream), data }),
  };
}
