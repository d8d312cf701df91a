import { IsOptional, IsString, Matches } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { StreamEventDataV1 } from './stream-event-data';

/**
 * A stream of the same name may be created again (a push creates one) before a consumer gets here,
 * or the event may be redelivered long after, so consumers delete only what the deleted stream
 * held: rows created no later than the envelope's `time` (Postgres' clock at the deletion, with
 * microseconds, as with `namespace.deleted`), or state keyed by stream resourceVersions older than
 * `resourceVersion`. Events written before these rules lack `resourceVersion`.
 */
export class ImageStreamDeletedV1 extends StreamEventDataV1 {
  @IsString()
  uid: string;

  /** stream-service's resourceVersion of the deletion: every write of the deleted stream had a lower one. */
  @IsOptional()
  @Matches(/^\d+$/)
  resourceVersion?: string;
}

export const ImageStreamDeleted = defineEvent({
  subject: EventSubjects.imageStreamDeleted,
  type: 'io.imagestreams.imagestream.deleted.v1',
  dataClass: ImageStreamDeletedV1,
});
