import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateWebhookSubscriptionRequest,
  ImageRequests,
  RedeliverRequest,
  ReplayEventsRequest,
  RotateSigningSecretRequest,
  TriggerRequests,
  WebhookSubscriptionResource,
  type DeliveryOutcome,
  type List,
  type RedeliverResult,
  type ReplayResult,
  type Status,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookSubscription,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, mergePatchBody, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** Actions that take no input: any body (`{}` or none) is ignored. */
const NO_BODY = { type: 'object', description: 'none needed; an empty object or no body' } as const;

/** `notifications.imagestreams.io/v1` webhook subscriptions and their delivery log; trigger-dispatcher owns them. */
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

  @Patch(':name')
  @ApiDoc({
    summary: 'JSON merge patch of labels and spec (pause, URL, filters, retry); editing a disabled subscription re-enables it',
    body: { type: 'object', description: 'a JSON merge patch of a WebhookSubscription' },
    consumes: ['application/merge-patch+json', 'application/json'],
    returns: 'WebhookSubscription',
  })
  patch(@Param('namespace') namespace: string, @Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown): Promise<WebhookSubscription> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.patchWebhookSubscription, { namespace, name, patch: mergePatchBody(contentType, body) });
  }

  /** 200 with the owner's Status, as Kubernetes answers a delete. */
  @Delete(':name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a webhook subscription', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.deleteWebhookSubscription, { namespace, name });
  }

  @Post(':name/rotatesecret')
  @HttpCode(200)
  @ApiDoc({
    summary: 'new signing secret (in this answer only); the previous one keeps signing too for gracePeriodSeconds (default 24 h)',
    body: RotateSigningSecretRequest,
    returns: 'WebhookSubscription',
  })
  rotateSecret(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<WebhookSubscription> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    const rotation = validBody(RotateSigningSecretRequest, WebhookSubscriptionResource, body ?? {});
    return this.owners.request(TriggerRequests.rotateSigningSecret, { namespace, name, rotation });
  }

  @Post(':name/ping')
  @HttpCode(200)
  @ApiDoc({ summary: 'send a webhook.ping event now (paused or not) and answer with the recorded delivery', body: NO_BODY, returns: 'WebhookDelivery' })
  ping(@Param('namespace') namespace: string, @Param('name') name: string): Promise<WebhookDelivery> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.pingWebhookSubscription, { namespace, name });
  }

  @Post(':name/replay')
  @HttpCode(200)
  @ApiDoc({ summary: 'deliver again every retained event since a time that the subscription matches', body: ReplayEventsRequest, returns: 'WebhookReplay' })
  replay(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<ReplayResult> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    const replay = validBody(ReplayEventsRequest, WebhookSubscriptionResource, body);
    return this.owners.request(TriggerRequests.replayEvents, { namespace, name, replay });
  }

  @Get(':name/deliveries')
  @ApiDoc({ summary: 'deliveries, newest first, with every attempt (status code, latency, error, response snippet); filter by eventId, outcome; limit', returns: 'WebhookDeliveryList' })
  deliveries(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Query('eventId') eventId?: string,
    @Query('outcome') outcome?: string,
    @Query('limit') limit?: string,
  ): Promise<WebhookDeliveryList> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.listWebhookDeliveries, {
      namespace,
      name,
      ...(eventId === undefined ? {} : { eventId }),
      ...(outcome === undefined ? {} : { outcome: outcome as DeliveryOutcome }),
      // The owner validates the number; a non-numeric value goes on as it came and is refused there.
      ...(limit === undefined ? {} : { limit: /^\d+$/.test(limit) ? Number(limit) : (limit as unknown as number) }),
    });
  }

  @Post(':name/deliveries/redeliver')
  @HttpCode(200)
  @ApiDoc({ summary: 'queue every delivery in an outcome (dead) again, with a fresh retry budget', body: RedeliverRequest, returns: 'WebhookRedelivery' })
  redeliverAll(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<RedeliverResult | WebhookDelivery> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    const selector = validBody(RedeliverRequest, WebhookSubscriptionResource, body);
    return this.owners.request(TriggerRequests.redeliver, { namespace, name, selector });
  }

  @Get(':name/deliveries/:delivery')
  @ApiDoc({ summary: 'one delivery with every attempt', returns: 'WebhookDelivery' })
  delivery(@Param('namespace') namespace: string, @Param('name') name: string, @Param('delivery') deliveryId: string): Promise<WebhookDelivery> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.getWebhookDelivery, { namespace, name, deliveryId });
  }

  @Post(':name/deliveries/:delivery/redeliver')
  @HttpCode(200)
  @ApiDoc({ summary: 'queue one delivery again (same webhook-id), with a fresh retry budget; 409 while it is being sent', body: NO_BODY, returns: 'WebhookDelivery' })
  redeliver(@Param('namespace') namespace: string, @Param('name') name: string, @Param('delivery') deliveryId: string): Promise<RedeliverResult | WebhookDelivery> {
    assertAddressable(WebhookSubscriptionResource, namespace, name);
    return this.owners.request(TriggerRequests.redeliver, { namespace, name, deliveryId });
  }
}
