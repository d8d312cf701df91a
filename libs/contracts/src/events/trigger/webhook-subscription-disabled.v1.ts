import { IsInt, IsString, Min } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';

/** A subscription stopped receiving events: its receiver answered 410 Gone, or failed too often in a row. */
export class WebhookSubscriptionDisabledV1 {
  @IsString()
  namespace: string;

  @IsString()
  subscription: string;

  @IsString()
  reason: string;

  @IsInt()
  @Min(0)
  consecutiveFailures: number;
}

export const WebhookSubscriptionDisabled = defineEvent({
  subject: EventSubjects.webhookSubscriptionDisabled,
  type: 'io.imagestreams.webhooksubscription.disabled.v1',
  dataClass: WebhookSubscriptionDisabledV1,
});
