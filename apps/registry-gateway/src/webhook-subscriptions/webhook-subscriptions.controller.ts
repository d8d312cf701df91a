import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  CreateWebhookSubscriptionRequest,
  ImageRequests,
  TriggerRequests,
  WebhookSubscriptionResource,
  type List,
  type Status,
  type WebhookDeliveryList,
  type WebhookSubscription,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** `notifications.imagestreams.io/v1` webhook subscriptions; trigger-dispatcher owns them. */
@Controller('apis/notifications.imagestreams.io/v1/namespaces/:namespace/webhooksubscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'subscribe a webhook; status.signingSecret is in this answer only, never shown again', body: CreateWebhookSubscriptionRequest, status: 201, returns: 'WebhookSubscription' })
  async create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<WebhookSubscription> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const subscription = validBody(CreateWebhookSubscriptionRequest, WebhookSubscriptionResource, body);
    // Namespaces belong to stream-service and trigger-dispatcher cannot read them, so the edge
    // refuses a subscription in a missing namespace (the owner's 404 Status passes through).
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    return this.owners.request(TriggerRequests.createWebhookSubscription, { namespace, subscription });
  }

  @Get()
  @ApiDoc({ summary: 'list webhook subscriptions', returns: 'WebhookSubscriptionList' })
  list(@Param('namespace') namespace: string): Promise<List<WebhookSubscription>> {
    assertReadableNamespace(namespace);
    return this.owners.request(TriggerRequests.listWebhookSubscriptions, { namespace });
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a webhook subscription', returns: 'WebhookSubscription' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<WebhookSubscription> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.getWebhookSubscription, { namespace, name });
  }

  /** 200 with the owner's Status, as Kubernetes answers a delete. */
  @Delete(':name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a webhook subscription', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.deleteWebhookSubscription, { namespace, name });
  }

  @Get(':name/deliveries')
  @ApiDoc({ summary: 'deliveries with every attempt (status code, latency, error, response snippet)', returns: 'WebhookDeliveryList' })
  deliveries(@Param('namespace') namespace: string, @Param('name') name: string): Promise<WebhookDeliveryList> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.listWebhookDeliveries, { namespace, name });
  }
}
