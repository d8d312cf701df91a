import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { TagEventDataV1 } from './stream-event-data';
import { TagImageV1 } from './tag-changed.v1';

export class TagDeletedV1 extends TagEventDataV1 {
  /** What the tag pointed at before it was deleted; null for a tag that never resolved. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TagImageV1)
  previous: TagImageV1 | null;

  @IsString()
  resourceVersion: string;
}

export const TagDeleted = defineEvent({
  subject: EventSubjects.tagDeleted,
  type: 'io.imagestreams.tag.deleted.v1',
  dataClass: TagDeletedV1,
});
