import { IsString } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { StreamEventDataV1 } from './stream-event-data';

export class ImageStreamDeletedV1 extends StreamEventDataV1 {
  @IsString()
  uid: string;
}

export const ImageStreamDeleted = defineEvent({
  subject: EventSubjects.imageStreamDeleted,
  type: 'io.imagestreams.imagestream.deleted.v1',
  dataClass: ImageStreamDeletedV1,
});
