import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventSubjects, isInternalEventType, TagChanged, type CloudEvent, type TagChangedV1 } from '@imagestreams/contracts';
import { OnEvent, type JetStreamEventContext } from '@imagestreams/platform-messaging';
import { DeliveryPlanner, type ImageEventData } from './delivery-planner';
import { DeliveryWorker } from './delivery-worker';
import { TriggerFiring } from '../workloads/trigger-firing';

/**
 * Turns each image or trigger event into one delivery per matching subscription. Returning (and so the
 * JetStream ack) happens only after the delivery rows are committed; a redelivered event finds its
 * rows already there and adds nothing.
 */
@Controller()
export class ImageEventsListener {
  constructor(
    private readonly planner: DeliveryPlanner,
    private readonly worker: DeliveryWorker,
    private readonly firing: TriggerFiring,
  ) {}

  @OnEvent(EventSubjects.allTriggerEvents)
  onTriggerEvent(@Payload() event: CloudEvent<ImageEventData>, @Ctx() context: JetStreamEventContext): Promise<void> {
    return this.onImageEvent(event, context);
  }

  @OnEvent(EventSubjects.allImageEvents)
  async onImageEvent(@Payload() event: CloudEvent<ImageEventData>, @Ctx() context: JetStreamEventContext): Promise<void> {
    // The image stream carries service-to-service events too (import specs); subscribers never get those.
    if (isInternalEventType(event.type)) return;
    // Image triggers first: their trigger.fired events commit before this event is acked.
    if (event.type === TagChanged.type) {
      const data = event.data as unknown as TagChangedV1;
      await this.firing.onTagMoved({ namespace: data.namespace, stream: data.imageStream, tag: data.tag }, data.current.dockerImageReference, data.actor);
    }
    const jobs = await this.planner.plan(event, context.raw);
    // Not awaited: a slow receiver must not hold up the consumer. The lease covers a crash from here on.
    this.worker.dispatch(jobs);
  }
}
