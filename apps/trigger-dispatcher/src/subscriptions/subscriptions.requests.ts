import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  applyMergePatch,
  CreateWebhookSubscriptionCommand,
  CreateWebhookSubscriptionRequest,
  NamespacedNameRequest,
  NamespaceScopeRequest,
  NOTIFICATIONS_API_VERSION,
  PatchWebhookSubscriptionCommand,
  RotateSigningSecretCommand,
  Statuses,
  StatusError,
  successStatus,
  TriggerRequests,
  validatePayload,
  WebhookSubscriptionResource,
  type List,
  type Status,
  type StatusCause,
  type WebhookSubscription,
  type WebhookSubscriptionSpec,
  type WebhookSubscriptionSpecInput,
} from '@imagestreams/contracts';
import { DEFAULT_RETRY_POLICY, validateSubscriptionFilter } from '@imagestreams/domain-trigger';
import { OnRequest } from '@imagestreams/platform-messaging';
import type { CompiledAddressPolicy } from '@imagestreams/platform-registry-client';
import { webhookUrlRefusal } from '../deliveries/webhook-address-policy';
import { generateSigningSecret } from './signing-secret';
import { SigningSecrets } from './signing-secrets';
import { SubscriptionRepository } from './subscription.repository';
import { subscriptionView } from './subscription.view';
import { WEBHOOK_ADDRESS_POLICY, WEBHOOK_DEFAULTS, type WebhookDefaults } from './webhook-defaults';

@Controller()
export class SubscriptionsRequests {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly signingSecrets: SigningSecrets,
    @Inject(WEBHOOK_DEFAULTS) private readonly defaults: WebhookDefaults,
    @Inject(WEBHOOK_ADDRESS_POLICY) private readonly addressPolicy: CompiledAddressPolicy,
  ) {}

  @OnRequest(TriggerRequests.createWebhookSubscription)
  async create(@Payload() command: CreateWebhookSubscriptionCommand): Promise<WebhookSubscription> {
    const { metadata, spec: input } = command.subscription;
    const signingSecret = generateSigningSecret();
    const row = await this.subscriptions.insert({
      uid: randomUUID(),
      namespace: command.namespace,
      name: metadata.name,
      labels: metadata.labels ?? {},
      spec: this.validSpec(metadata.name, input),
      sealedSigningSecret: this.signingSecrets.seal(signingSecret),
    });
    if (!row) throw new StatusError(Statuses.alreadyExists(WebhookSubscriptionResource, metadata.name));
    return subscriptionView(row, { newSigningSecret: signingSecret });
  }

  /**
   * JSON merge patch of `metadata.labels` and `spec`, validated as a whole like a create. Editing
   * a disabled subscription re-enables it: the user is saying the receiver is fixed.
   */
  @OnRequest(TriggerRequests.patchWebhookSubscription)
  async patch(@Payload() command: PatchWebhookSubscriptionCommand): Promise<WebhookSubscription> {
    return this.subscriptions.transaction(async (manager) => {
      const row = await this.subscriptions.lock(manager, command.namespace, command.name);
      if (!row) throw new StatusError(Statuses.notFound(WebhookSubscriptionResource, command.name));
      const current = { apiVersion: NOTIFICATIONS_API_VERSION, kind: 'WebhookSubscription', metadata: { name: row.name, labels: row.labels }, spec: row.spec };
      const patched = applyMergePatch(current, command.patch) as { metadata?: { name?: unknown } };
      if (patched.metadata?.name !== row.name) throw new StatusError(Statuses.badRequest('metadata.name cannot be changed'));
      const result = validatePayload(CreateWebhookSubscriptionRequest, patched);
      if (!result.ok) throw new StatusError(Statuses.invalid(WebhookSubscriptionResource, row.name, result.causes));
      const spec = this.validSpec(row.name, result.value.spec);
      return subscriptionView(await this.subscriptions.update(manager, row.uid, result.value.metadata.labels ?? {}, spec));
    });
  }

  /** A new secret, shown in this answer only; the old one keeps signing (a second signature) for the grace period. */
  @OnRequest(TriggerRequests.rotateSigningSecret)
  async rotate(@Payload() command: RotateSigningSecretCommand): Promise<WebhookSubscription> {
    return this.subscriptions.transaction(async (manager) => {
      const row = await this.subscriptions.lock(manager, command.namespace, command.name);
      if (!row) throw new StatusError(Statuses.notFound(WebhookSubscriptionResource, command.name));
      const grace = command.rotation.gracePeriodSeconds ?? this.defaults.secretRotationGraceSeconds;
      const signingSecret = generateSigningSecret();
      const rotated = await this.subscriptions.rotateSecret(manager, row.uid, this.signingSecrets.seal(signingSecret), this.signingSecrets.sealedCurrent(row), grace);
      return subscriptionView(rotated, { newSigningSecret: signingSecret });
    });
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

  /** What the DTO cannot check (filter semantics, where the URL points), and the defaults filled in. */
  private validSpec(name: string, input: WebhookSubscriptionSpecInput): WebhookSubscriptionSpec {
    const causes: StatusCause[] = validateSubscriptionFilter(input.filter).map((message) => ({ reason: 'FieldValueInvalid', message, field: 'spec.filter' }));
    const refusal = webhookUrlRefusal(this.addressPolicy, input.url);
    if (refusal) causes.push({ reason: 'FieldValueForbidden', message: `webhook receivers there are not allowed (${refusal})`, field: 'spec.url' });
    if (causes.length) throw new StatusError(Statuses.invalid(WebhookSubscriptionResource, name, causes));
    return {
      url: input.url,
      ...(input.events?.length ? { events: input.events } : {}),
      ...(input.filter ? { filter: input.filter } : {}),
      paused: input.paused ?? false,
      ...(input.headers ? { headers: input.headers } : {}),
      timeoutSeconds: input.timeoutSeconds ?? this.defaults.timeoutSeconds,
      retry: { ...DEFAULT_RETRY_POLICY, ...input.retry },
    };
  }
}
