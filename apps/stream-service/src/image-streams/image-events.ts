import {
  createCloudEvent,
  ImageStreamCreated,
  ImageStreamDeleted,
  ImportFailed,
  ImportSpecChanged,
  NamespaceDeleted,
  TagChanged,
  TagDeleted,
  type EventDefinition,
  type ImageStreamCreatedV1,
  type ImageStreamDeletedV1,
  type ImportFailedV1,
  type ImportSpecChangedV1,
  type NamespaceDeletedV1,
  type TagChangedV1,
  type TagDeletedV1,
} from '@imagestreams/contracts';
import type { OutboxEntry } from '@imagestreams/platform-messaging';

const SOURCE = '/imagestreams/stream-service';

function streamSubject(namespace: string, imageStream: string, tag?: string): string {
  return `namespaces/${namespace}/imagestreams/${imageStream}${tag === undefined ? '' : `:${tag}`}`;
}

/** `time`, when given, replaces the process clock's (a deletion's, from Postgres). */
function entry(definition: EventDefinition, data: { namespace: string; imageStream: string; tag?: string }, time?: string): OutboxEntry {
  const event = createCloudEvent({ type: definition.type, source: SOURCE, subject: streamSubject(data.namespace, data.imageStream, data.tag), data });
  return { subject: definition.subject, event: time === undefined ? event : { ...event, time } };
}

export const tagChangedEntry = (data: TagChangedV1): OutboxEntry => entry(TagChanged, data);
export const tagDeletedEntry = (data: TagDeletedV1): OutboxEntry => entry(TagDeleted, data);
export const imageStreamCreatedEntry = (data: ImageStreamCreatedV1): OutboxEntry => entry(ImageStreamCreated, data);
/** `time` is the deletion's, from Postgres (what consumers compare their rows' `created_at` with). */
export const imageStreamDeletedEntry = (data: ImageStreamDeletedV1, time: string): OutboxEntry => entry(ImageStreamDeleted, data, time);
export const importSpecChangedEntry = (data: ImportSpecChangedV1): OutboxEntry => entry(ImportSpecChanged, data);
export const importFailedEntry = (data: ImportFailedV1): OutboxEntry => entry(ImportFailed, data);

/** `time` is the deletion's, from Postgres (what consumers compare their rows' `created_at` with). */
export const namespaceDeletedEntry = (data: NamespaceDeletedV1, time: string): OutboxEntry => ({
  subject: NamespaceDeleted.subject,
  event: { ...createCloudEvent({ type: NamespaceDeleted.type, source: SOURCE, subject: `namespaces/${data.namespace}`, data }), time },
});
