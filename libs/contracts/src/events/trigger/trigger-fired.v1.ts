import { IsIn, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';

export const TRIGGER_ACTIONS = ['build', 'rollout', 'update'] as const;

export class TriggeredObjectV1 {
  @IsString()
  apiVersion: string;

  @IsString()
  kind: string;

  @IsString()
  name: string;
}

/**
 * An image trigger fired because the tag it watches now resolves to a new pull spec: a Build was
 * requested (`build`), a DeploymentConfig rolls out (`rollout`), or an annotated object's container
 * image was rewritten (`update`). `imageStream`/`tag` name the watched tag, so subscription filters apply.
 */
export class TriggerFiredV1 {
  @IsString()
  namespace: string;

  @IsString()
  imageStream: string;

  @IsString()
  tag: string;

  /** The watched tag's namespace when it is not the object's. */
  @IsOptional()
  @IsString()
  imageStreamNamespace?: string;

  @IsString()
  image: string;

  @IsObject()

  @ValidateNested()
  @Type(() => TriggeredObjectV1)
  object: TriggeredObjectV1;

  @IsIn(TRIGGER_ACTIONS)
  action: (typeof TRIGGER_ACTIONS)[number];

  /** `build`: the Build record created for the external builder. */
  @IsOptional()
  @IsString()
  build?: string;

  /** `rollout`: the DeploymentConfig's new `status.latestVersion`. */
  @IsOptional()
  @IsString()
  latestVersion?: string;

  @IsString()
  actor: string;
}

export const TriggerFired = defineEvent({
  subject: EventSubjects.triggerFired,
  type: 'io.imagestreams.trigger.fired.v1',
  dataClass: TriggerFiredV1,
});
