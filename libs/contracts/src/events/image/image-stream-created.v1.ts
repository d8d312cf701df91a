import { IsString } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';

export class ImageStreamCreatedV1 {
  @IsString()
  namespace: string;

  @IsString()
  imageStream: string;

  @IsString()
  uid: string;

  @IsString()
  actor: string;
}

export const ImageStreamCreated = defineEvent({
  subject: EventSubjects.imageStreamCreated,
  type: 'io.imagestreams.imagestream.created.v1',
  dataClass: ImageStreamCreatedV1,
});
