import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { List } from '../api/object-meta';
import { NamespacedCommand, NamespacedNameRequest, NamespaceScopeRequest } from '../api/resource-requests';
import { BuildListRequest, BuildWebhookCommand, PatchBuildCommand, TagMoveDryRunCommand, type TagMoveDryRun, WorkloadListRequest, WorkloadRequest, WriteWorkloadCommand, type StoredObject } from '../api/workloads';
import type { Status } from '../api/status';
import {
  CreateWebhookSubscriptionRequest,
  DELIVERY_OUTCOMES,
  RedeliverRequest,
  ReplayEventsRequest,
  RotateSigningSecretRequest,
  type DeliveryOutcome,
  type RedeliverResult,
  type ReplayResult,
  type WebhookDelivery,
  type WebhookDeliveryList,
  type WebhookSubscription,
} from '../api/webhook-subscription';

export class CreateWebhookSubscriptionCommand extends NamespacedCommand {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateWebhookSubscriptionRequest)
  subscription: CreateWebhookSubscriptionRequest;
}

/** A JSON merge patch of `metadata.labels` and `spec`; the owner validates the merged result. */
export class PatchWebhookSubscriptionCommand extends NamespacedNameRequest {
  @IsDefined()
  @IsObject()
  patch: Record<string, unknown>;
}

export class RotateSigningSecretCommand extends NamespacedNameRequest {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => RotateSigningSecretRequest)
  rotation: RotateSigningSecretRequest;
}

export class ReplayEventsCommand extends NamespacedNameRequest {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ReplayEventsRequest)
  replay: ReplayEventsRequest;
}

/** The delivery log of one subscription, newest first, optionally narrowed. */
export class ListWebhookDeliveriesRequest extends NamespacedNameRequest {
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @IsOptional()
  @IsIn(DELIVERY_OUTCOMES)
  outcome?: DeliveryOutcome;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000)
  limit?: number;
}

export class WebhookDeliveryRequest extends NamespacedNameRequest {
  @IsDefined()
  @IsUUID()
  deliveryId: string;
}

/** Either one delivery (`deliveryId`) or all of the subscription's in an outcome (`selector`). */
export class RedeliverCommand extends NamespacedNameRequest {
  @IsOptional()
  @IsUUID()
  deliveryId?: string;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RedeliverRequest)
  selector?: RedeliverRequest;
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
  patchWebhookSubscription: defineRequest<PatchWebhookSubscriptionCommand, WebhookSubscription>(RequestSubjects.webhookSubscriptionPatch, PatchWebhookSubscriptionCommand),
  rotateSigningSecret: defineRequest<RotateSigningSecretCommand, WebhookSubscription>(RequestSubjects.webhookSubscriptionRotateSecret, RotateSigningSecretCommand),
  pingWebhookSubscription: defineRequest<NamespacedNameRequest, WebhookDelivery>(RequestSubjects.webhookSubscriptionPing, NamespacedNameRequest),
  replayEvents: defineRequest<ReplayEventsCommand, ReplayResult>(RequestSubjects.webhookSubscriptionReplay, ReplayEventsCommand),
  listWebhookDeliveries: defineRequest<ListWebhookDeliveriesRequest, WebhookDeliveryList>(RequestSubjects.webhookDeliveryList, ListWebhookDeliveriesRequest),
  getWebhookDelivery: defineRequest<WebhookDeliveryRequest, WebhookDelivery>(RequestSubjects.webhookDeliveryGet, WebhookDeliveryRequest),
  redeliver: defineRequest<RedeliverCommand, RedeliverResult | WebhookDelivery>(RequestSubjects.webhookDeliveryRedeliver, RedeliverCommand),
  createWorkload: defineRequest<WriteWorkloadCommand, StoredObject>(RequestSubjects.workloadCreate, WriteWorkloadCommand),
  getWorkload: defineRequest<WorkloadRequest, StoredObject>(RequestSubjects.workloadGet, WorkloadRequest),
  listWorkloads: defineRequest<WorkloadListRequest, List<StoredObject>>(RequestSubjects.workloadList, WorkloadListRequest),
  replaceWorkload: defineRequest<WriteWorkloadCommand, StoredObject>(RequestSubjects.workloadReplace, WriteWorkloadCommand),
  deleteWorkload: defineRequest<WorkloadRequest, Status>(RequestSubjects.workloadDelete, WorkloadRequest),
  getBuild: defineRequest<NamespacedNameRequest, StoredObject>(RequestSubjects.buildGet, NamespacedNameRequest),
  listBuilds: defineRequest<BuildListRequest, List<StoredObject>>(RequestSubjects.buildList, BuildListRequest),
  patchBuild: defineRequest<PatchBuildCommand, StoredObject>(RequestSubjects.buildPatch, PatchBuildCommand),
  /** Answers the Build it created, or a Status (200 with a message when nothing was built). */
  dryRunTagMove: defineRequest<TagMoveDryRunCommand, TagMoveDryRun>(RequestSubjects.tagMoveDryRun, TagMoveDryRunCommand),
  receiveBuildWebhook: defineRequest<BuildWebhookCommand, StoredObject | Status>(RequestSubjects.buildWebhookReceive, BuildWebhookCommand),
};
