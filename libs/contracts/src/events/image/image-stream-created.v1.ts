import { IsString } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { StreamEventDataV1 } from './stream-event-data';

export class ImageStreamCreatedV1 extends StreamEventDataV1 {
  @IsString()
  uid: string;
}

export const ImageStreamCreated = defineEvent({
  subject: EventSubjects.imageStreamCreated,
  type: 'io.imagestreams.imagestream.created.v1',
  dataClass: ImageStreamCreatedV1,
});
