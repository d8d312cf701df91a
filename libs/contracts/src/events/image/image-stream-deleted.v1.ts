import { IsString } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';

export class ImageStreamDeletedV1 {
  @IsString()
  namespace: string;

  @IsString()
  imageStream: string;

  @IsString()
  uid: string;

  @IsString()
  actor: string;
}

export const ImageStreamDeleted = defineEvent({
  subject: EventSubjects.imageStreamDeleted,
  type: 'io.imagestreams.imagestream.deleted.v1',
  dataClass: ImageStreamDeletedV1,
});
