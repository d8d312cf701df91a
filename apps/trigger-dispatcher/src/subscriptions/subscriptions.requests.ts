import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  CreateWebhookSubscriptionCommand,
  NamespacedNameRequest,
  NamespaceScopeRequest,
  NOTIFICATIONS_API_VERSION,
  Statuses,
  StatusError,
  successStatus,
  TriggerRequests,
  WebhookSubscriptionResource,
  type List,
  type Status,
  type WebhookSubscription,
  type WebhookSubscriptionSpec,
} from '@imagestreams/contracts';
import { DEFAULT_RETRY_POLICY, validateSubscriptionFilter } from '@imagestreams/domain-trigger';
import { OnRequest } from '@imagestreams/platform-messaging';
import { generateSigningSecret } from './signing-secret';
import { SubscriptionRepository } from './subscription.repository';
import { subscriptionView } from './subscription.view';
import { WEBHOOK_DEFAULTS, type WebhookDefaults } from './webhook-defaults';

@Controller()
export class SubscriptionsRequests {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    @Inject(WEBHOOK_DEFAULTS) private readonly defaults: WebhookDefaults,
  ) {}

  @OnRequest(TriggerRequests.createWebhookSubscription)
  async create(@Payload() command: CreateWebhookSubscriptionCommand): Promise<WebhookSubscription> {
    const { metadata, spec: input } = command.subscription;
    const filterProblems = validateSubscriptionFilter(input.filter);
    if (filterProblems.length) {
      throw new StatusError(
        Statuses.invalid(WebhookSubscriptionResource, metadata.name, filterProblems.map((message) => ({ reason: 'FieldValueInvalid', message, field: 'spec.filter' }))),
      );
    }
    const spec: WebhookSubscriptionSpec = {
      url: input.url,
      ...(input.events?.length ? { events: input.events } : {}),
      ...(input.filter ? { filter: input.filter } : {}),
      paused: input.paused ?? false,
      ...(input.headers ? { headers: input.headers } : {}),
      timeoutSeconds: input.timeoutSeconds ?? this.defaults.timeoutSeconds,
      retry: { ...DEFAULT_RETRY_POLICY, ...input.retry },
    };
    const row = await this.subscriptions.insert({
      uid: randomUUID(),
      namespace: command.namespace,
      name: metadata.name,
      labels: metadata.labels ?? {},
      spec,
      signingSecret: generateSigningSecret(),
    });
    if (!row) throw new StatusError(Statuses.alreadyExists(WebhookSubscriptionResource, metadata.name));
    return subscriptionView(row, { revealSecret: true });
  }

  @OnRequest(TriggerRequests.getWebhookSubscription)
  async get(@Payload() query: NamespacedNameRequest): Promise<WebhookSubscription> {
    const row = await this.subscriptions.find(query.namespace, query.name);
    if (!row) throw new StatusError(Statuses.notFound(WebhookSubscriptionResource, query.name));
    return subscriptionView(row);
  }

  @OnRequest(TriggerRequests.listWebhookSubscriptions)
  async list(@Payload() query: NamespaceScopeRequest): Promise<List<WebhookSubscription>> {
    const [rows, resourceVersion] = await Promise.all([this.subscriptions.list(query.namespace), this.subscriptions.currentResourceVersion()]);
    return { kind: 'WebhookSubscriptionList', apiVersion: NOTIFICATIONS_API_VERSION, metadata: { resourceVersion }, items: rows.map((row) => subscriptionView(row)) };
  }

  @OnRequest(TriggerRequests.deleteWebhookSubscription)
  async delete(@Payload() query: NamespacedNameRequest): Promise<Status> {
    if (!(await this.subscriptions.delete(query.namespace, query.name))) throw new StatusError(Statuses.notFound(WebhookSubscriptionResource, query.name));
    return successStatus(200, { name: query.name, group: WebhookSubscriptionResource.group, kind: WebhookSubscriptionResource.resource });
  }
}
