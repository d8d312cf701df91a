import { IsString, Matches } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';

/**
 * A namespace was deleted (its image streams went with it, each announced by `imagestream.deleted`
 * in the same transaction). Every service then deletes what it keeps in the namespace.
 *
 * A namespace may be re-created under the same name before a consumer gets here (or an event may be
 * redelivered, or replayed to a new durable, long after), so consumers delete only what the deleted
 * namespace held: rows created no later than the envelope's `time`, which stream-service takes from
 * Postgres' clock when it deletes the row, with microseconds (as Postgres' `created_at` columns
 * have them); or, for state keyed by image-stream resourceVersions, older than `resourceVersion`.
 * Between services only: a webhook subscription is namespaced and would be deleted by this event.
 */
export class NamespaceDeletedV1 {
  @IsString()
  namespace: string;

  @IsString()
  actor: string;

  /** stream-service's resourceVersion of the deletion: every write in the deleted namespace had a lower one. */
  @Matches(/^\d+$/)
  resourceVersion: string;
}

export const NamespaceDeleted = defineEvent({
  subject: EventSubjects.namespaceDeleted,
  type: 'io.imagestreams.namespace.deleted.v1',
  dataClass: NamespaceDeletedV1,
  internal: true,
});
