import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { EVENT_CATALOG } from '../events/event-catalog';
import { IsNamespaceName } from './names';
import { ObjectMeta, ObjectMetaInput } from './object-meta';
import type { ResourceRef } from './status';

export const NOTIFICATIONS_API_GROUP = 'notifications.imagestreams.io';
export const NOTIFICATIONS_API_VERSION = `${NOTIFICATIONS_API_GROUP}/v1`;
export const WebhookSubscriptionResource: ResourceRef = {
  resource: 'webhooksubscriptions',
  group: NOTIFICATIONS_API_GROUP,
  kind: 'WebhookSubscription',
};

export const SUBSCRIBABLE_EVENT_TYPES = EVENT_CATALOG.filter((definition) => !definition.internal).map((definition) => definition.shortType);

export class WebhookFilterInput {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  imageStreams?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(64)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  tags?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(256)
  tagSemver?: string;

  /** Anchored: the whole tag name must match. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  tagRegex?: string;
}

export class WebhookRetryInput {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  maxAttempts?: number;

  /** Fractions allowed so tests and impatient receivers can use sub-second backoff. */
  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(86_400)
  initialBackoffSeconds?: number;

  @IsOptional()
  @IsNumber()
  @Min(0.1)
  @Max(86_400)
  maxBackoffSeconds?: number;

  /** Failed attempts in a row (any delivery) after which the subscription is disabled. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  disableAfterFailures?: number;
}

export class WebhookSubscriptionSpecInput {
  @IsDefined()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true })
  @MaxLength(2048)
  url: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(16)
  @IsIn(SUBSCRIBABLE_EVENT_TYPES, { each: true })
  events?: string[];

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookFilterInput)
  filter?: WebhookFilterInput;

  @IsOptional()
  @IsBoolean()
  paused?: boolean;

  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(60)
  timeoutSeconds?: number;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookRetryInput)
  retry?: WebhookRetryInput;
}

export class WebhookSubscriptionMetaInput extends ObjectMetaInput {
  /** Subscriptions are named like namespaces: DNS-1123 labels. */
  @IsDefined()
  @IsString()
  @IsNamespaceName()
  name: string;
}

export class CreateWebhookSubscriptionRequest {
  @IsOptional()
  @IsIn([NOTIFICATIONS_API_VERSION])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['WebhookSubscription'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookSubscriptionMetaInput)
  metadata: WebhookSubscriptionMetaInput;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => WebhookSubscriptionSpecInput)
  spec: WebhookSubscriptionSpecInput;
}

export interface WebhookSubscriptionSpec {
  url: string;
  events?: string[];
  filter?: { imageStreams?: string[]; tags?: string[]; tagSemver?: string; tagRegex?: string };
  paused: boolean;
  headers?: Record<string, string>;
  timeoutSeconds: number;
  retry: { maxAttempts: number; initialBackoffSeconds: number; maxBackoffSeconds: number; disableAfterFailures?: number };
}

export interface WebhookSubscription {
  kind: 'WebhookSubscription';
  apiVersion: typeof NOTIFICATIONS_API_VERSION;
  metadata: ObjectMeta;
  spec: WebhookSubscriptionSpec;
  status: {
    /** Present only in the response to create and to rotation: it is never shown again. */
    signingSecret?: string;
    /** After a rotation, until when the previous secret still signs deliveries (both signatures are sent). */
    previousSecretExpiresAt?: string;
    /** Failed attempts in a row; a success resets it. */
    consecutiveFailures: number;
    conditions: { type: string; status: 'True' | 'False'; reason?: string; message?: string; lastTransitionTime: string }[];
  };
}

/** `skipped`: superseded by a newer move of the same tag before it could be delivered. */
export const DELIVERY_OUTCOMES = ['pending', 'succeeded', 'dead', 'skipped'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];

export interface WebhookDeliveryAttempt {
  attemptedAt: string;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  responseSnippet?: string;
}

export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  subject?: string;
  outcome: DeliveryOutcome;
  attempts: WebhookDeliveryAttempt[];
  nextAttemptAt?: string;
  createdAt: string;
  deliveredAt?: string;
  /**
   * The request body every attempt sent, byte for byte (the CloudEvent as published, what the
   * signature covers). Only when one delivery is asked for, not in lists.
   */
  payload?: string;
}

export interface WebhookDeliveryList {
  kind: 'WebhookDeliveryList';
  apiVersion: typeof NOTIFICATIONS_API_VERSION;
  metadata: Record<string, never>;
  items: WebhookDelivery[];
}

export class RotateSigningSecretRequest {
  /** How long the previous secret keeps signing deliveries next to the new one (default 24 h). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 86_400)
  gracePeriodSeconds?: number;
}

export class ReplayEventsRequest {
  /** RFC 3339; events published since then (and still retained) are delivered again. */
  @IsDefined()
  @IsISO8601({ strict: true })
  since: string;
}

export class RedeliverRequest {
  /** Redeliver every delivery of the subscription in this outcome (today: `dead`). */
  @IsDefined()
  @IsIn(['dead'])
  outcome: 'dead';
}

export interface ReplayResult {
  kind: 'WebhookReplay';
  apiVersion: typeof NOTIFICATIONS_API_VERSION;
  since: string;
  /** Retained events read, and how many of them match the subscription and were queued. */
  eventsRead: number;
  deliveriesQueued: number;
}

export interface RedeliverResult {
  kind: 'WebhookRedelivery';
  apiVersion: typeof NOTIFICATIONS_API_VERSION;
  deliveriesQueued: number;
}
