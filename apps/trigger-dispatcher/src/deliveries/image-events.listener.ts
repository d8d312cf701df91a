import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { EventSubjects, isInternalEventType, NamespaceDeleted, TagChanged, type CloudEvent, type NamespaceDeletedV1, type TagChangedV1 } from '@imagestreams/contracts';
import { OnEvent, type JetStreamEventContext } from '@imagestreams/platform-messaging';
import { DeliveryPlanner, type ImageEventData } from './delivery-planner';
import { eventAge, secondsSinceCommit } from './delivery-metrics';
import { DeliveryWorker } from './delivery-worker';
import { eventTimeMs } from './event-trace';
import { DeleteNamespaceContents } from '../namespace-deletions/delete-namespace-contents';
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
    private readonly namespaceDeletions: DeleteNamespaceContents,
  ) {}

  @OnEvent(EventSubjects.allTriggerEvents)
  onTriggerEvent(@Payload() event: CloudEvent<ImageEventData>, @Ctx() context: JetStreamEventContext): Promise<void> {
    return this.onImageEvent(event, context);
  }

  @OnEvent(EventSubjects.allImageEvents)
  async onImageEvent(@Payload() event: CloudEvent<ImageEventData>, @Ctx() context: JetStreamEventContext): Promise<void> {
    // Delivered to nobody (internal): the only subscriptions it could match are the namespace's own,
    // which this deletes. Deliveries already planned for them (its streams' imagestream.deleted, say)
    // go with them; one being sent at that moment still reaches its receiver.
    if (event.type === NamespaceDeleted.type) return this.namespaceDeletions.execute(event as unknown as CloudEvent<NamespaceDeletedV1>);
    // The image stream carries service-to-service events too (import specs); subscribers never get those.
    if (isInternalEventType(event.type)) return;
    const committedAt = eventTimeMs(event.time);
    observeAge('received', committedAt);
    // Image triggers and webhooks do not wait for each other; the event is acked only when both are
    // committed (its trigger.fired events included).
    const firing = event.type === TagChanged.type ? this.fireImageTriggers(event.data as unknown as TagChangedV1) : undefined;
    // Dispatch is not awaited: a slow receiver must not hold up the consumer. The lease covers a crash from here on.
    const planning = this.planner.plan(event, context.raw).then((jobs) => {
      observeAge('planned', committedAt);
      this.worker.dispatch(jobs);
    });
    await Promise.all([firing, planning]);
  }

  private fireImageTriggers(data: TagChangedV1): Promise<void> {
    return this.firing.onTagMoved({ namespace: data.namespace, stream: data.imageStream, tag: data.tag }, data.current.dockerImageReference, data.actor);
  }
}

function observeAge(stage: 'received' | 'planned', committedAt: number): void {
  const seconds = secondsSinceCommit(committedAt);
  if (seconds !== undefined) eventAge.observe({ stage }, seconds);
}
