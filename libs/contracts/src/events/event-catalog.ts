import type { EventDefinition } from '../define-event';
import { ImageStreamCreated } from './image/image-stream-created.v1';
import { ImageStreamDeleted } from './image/image-stream-deleted.v1';
import { ImportFailed } from './image/import-failed.v1';
import { ImportSpecChanged } from './image/import-spec-changed.v1';
import { NamespaceDeleted } from './image/namespace-deleted.v1';
import { TagDeleted } from './image/tag-deleted.v1';
import { TagChanged } from './image/tag-changed.v1';
import { BuildRequested } from './trigger/build-requested.v1';
import { TriggerFired } from './trigger/trigger-fired.v1';
import { WebhookSubscriptionDisabled } from './trigger/webhook-subscription-disabled.v1';

/** Every event the system publishes; consumers look payload classes up here by subject. */
export const EVENT_CATALOG: readonly EventDefinition[] = [
  TagChanged,
  TagDeleted,
  ImageStreamCreated,
  ImageStreamDeleted,
  ImportSpecChanged,
  ImportFailed,
  NamespaceDeleted,
  WebhookSubscriptionDisabled,
  TriggerFired,
  BuildRequested,
];

export function eventDefinitionForSubject(subject: string): EventDefinition | undefined {
  return EVENT_CATALOG.find((definition) => definition.subject === subject);
}

/** Events between services (no webhook subscription may receive them). */
export function isInternalEventType(type: string): boolean {
  return EVENT_CATALOG.some((definition) => definition.type === type && definition.internal === true);
}
