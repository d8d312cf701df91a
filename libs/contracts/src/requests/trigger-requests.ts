import { Type } from 'class-transformer';
import { IsDefined, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { List } from '../api/object-meta';
import { NamespacedCommand, NamespacedNameRequest, NamespaceScopeRequest } from '../api/resource-requests';
import type { Status } from '../api/status';
import { CreateWebhookSubscriptionRequest, type WebhookDeliveryList, type WebhookSubscription } from '../api/webhook-subscription';

export class CreateWebhookSubscriptionCommand extends NamespacedCommand {
  @IsDefined()
  @ValidateNested()
  @Type(() => CreateWebhookSubscriptionRequest)
  subscription: CreateWebhookSubscriptionRequest;
}

export const TriggerRequests = {
  createWebhookSubscription: defineRequest<CreateWebhookSubscriptionCommand, WebhookSubscription>(
    RequestSubjects.webhookSubscriptionCreate,
    CreateWebhookSubscriptionCommand,
  ),
  getWebhookSubscription: defineRequest<NamespacedNameRequest, WebhookSubscription>(RequestSubjects.webhookSubscriptionGet, NamespacedNameRequest),
  listWebhookSubscriptions: defineRequest<NamespaceScopeRequest, List<WebhookSubscription>>(
    RequestSubjects.webhookSubscriptionList,
    NamespaceScopeRequest,
  ),
  deleteWebhookSubscription: defineRequest<NamespacedNameRequest, Status>(RequestSubjects.webhookSubscriptionDelete, NamespacedNameRequest),
  listWebhookDeliveries: defineRequest<NamespacedNameRequest, WebhookDeliveryList>(RequestSubjects.webhookDeliveryList, NamespacedNameRequest),
};
