import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Min, ValidateNested } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { TagEventDataV1 } from './stream-event-data';

export const TAG_CHANGE_CAUSES = ['push', 'import', 'tag', 'alias', 'rollback'] as const;
export type TagChangeCause = (typeof TAG_CHANGE_CAUSES)[number];

export class TagImageV1 {
  /** Image name, i.e. the manifest digest `sha256:…`. */
  @IsString()
  image: string;

  @IsString()
  dockerImageReference: string;
}

export class TagChangedV1 extends TagEventDataV1 {
  /** null when the tag is new. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TagImageV1)
  previous: TagImageV1 | null;

  @IsObject()

  @ValidateNested()
  @Type(() => TagImageV1)
  current: TagImageV1;

  /** Generation of the tag event (see OpenShift's TagEvent.generation). */
  @IsInt()
  @Min(0)
  generation: number;

  @IsIn(TAG_CHANGE_CAUSES)
  cause: TagChangeCause;

  /** Why, when the writer said (e.g. a rollback's reason). Added after v1 shipped: optional. */
  @IsOptional()
  @IsString()
  reason?: string;

  /** The stream's resourceVersion after the change, so consumers can drop stale events. */
  @IsString()
  resourceVersion: string;
}

export const TagChanged = defineEvent({
  subject: EventSubjects.tagChanged,
  type: 'io.imagestreams.tag.changed.v1',
  dataClass: TagChangedV1,
});
