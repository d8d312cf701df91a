/**
 * Every NATS subject, JetStream stream and durable consumer name in the system.
 * Code never writes a subject literal anywhere else; docs/ARCHITECTURE.md lists these.
 *
 * Shapes (lower-case, dot-separated, version last so prefix wildcards match every version):
 *   event    imagestreams.evt.<context>.<entity>.<past-verb>.v<N>   (JetStream)
 *   request  imagestreams.req.<context>.<entity>.<verb>.v<N>        (core NATS, queue group = owner)
 */
export const EventSubjects = {
  tagChanged: 'imagestreams.evt.image.tag.changed.v1',
  imageStreamCreated: 'imagestreams.evt.image.imagestream.created.v1',
  imageStreamDeleted: 'imagestreams.evt.image.imagestream.deleted.v1',
  tagDeleted: 'imagestreams.evt.image.tag.deleted.v1',
  /** A stream's importable spec tags changed (the importer schedules and runs imports from it). */
  importSpecChanged: 'imagestreams.evt.image.importspec.changed.v1',
  /** An import of a tag failed (a new ImportSuccess=False condition). */
  importFailed: 'imagestreams.evt.image.import.failed.v1',
  /** A namespace was deleted: every service deletes what it keeps there (internal: never sent to webhooks). */
  namespaceDeleted: 'imagestreams.evt.image.namespace.deleted.v1',
  /** Every image-context event, all versions: what the IMAGE_EVENTS stream captures. */
  allImageEvents: 'imagestreams.evt.image.>',
  webhookSubscriptionDisabled: 'imagestreams.evt.trigger.webhooksubscription.disabled.v1',
  triggerFired: 'imagestreams.evt.trigger.trigger.fired.v1',
  buildRequested: 'imagestreams.evt.trigger.build.requested.v1',
  /** Every trigger-context event, all versions: what the TRIGGER_EVENTS stream captures. */
  allTriggerEvents: 'imagestreams.evt.trigger.>',
} as const;

export const RequestSubjects = {
  namespaceCreate: 'imagestreams.req.image.namespace.create.v1',
  namespaceGet: 'imagestreams.req.image.namespace.get.v1',
  namespaceList: 'imagestreams.req.image.namespace.list.v1',
  namespaceDelete: 'imagestreams.req.image.namespace.delete.v1',
  imageStreamMappingCreate: 'imagestreams.req.image.imagestreammapping.create.v1',
  imageStreamGet: 'imagestreams.req.image.imagestream.get.v1',
  imageStreamList: 'imagestreams.req.image.imagestream.list.v1',
  imageStreamCreate: 'imagestreams.req.image.imagestream.create.v1',
  imageStreamUpdate: 'imagestreams.req.image.imagestream.update.v1',
  imageStreamPatch: 'imagestreams.req.image.imagestream.patch.v1',
  imageStreamDelete: 'imagestreams.req.image.imagestream.delete.v1',
  imageStreamTagGet: 'imagestreams.req.image.imagestreamtag.get.v1',
  imageStreamTagPut: 'imagestreams.req.image.imagestreamtag.put.v1',
  imageStreamTagDelete: 'imagestreams.req.image.imagestreamtag.delete.v1',
  imageStreamTagRollback: 'imagestreams.req.image.imagestreamtag.rollback.v1',
  imageStreamImageGet: 'imagestreams.req.image.imagestreamimage.get.v1',
  imageGet: 'imagestreams.req.image.image.get.v1',
  imageList: 'imagestreams.req.image.image.list.v1',
  imageStreamChanges: 'imagestreams.req.image.imagestream.changes.v1',
  /** The integrated registry's view of image streams: a repository is `<namespace>/<stream>`. */
  repositoryTagResolve: 'imagestreams.req.image.repository.resolvetag.v1',
  repositoryTagList: 'imagestreams.req.image.repository.listtags.v1',
  repositoryList: 'imagestreams.req.image.repository.list.v1',
  repositoryImageRecord: 'imagestreams.req.image.repository.recordimage.v1',
  repositoryManifestDelete: 'imagestreams.req.image.repository.deletemanifest.v1',
  /** Where an image the registry does not hold came from (pull-through of imported images). */
  repositoryPullThroughSource: 'imagestreams.req.image.repository.pullthroughsource.v1',
  /** The importer's results applied to a stream (tag events, spec tags, ImportSuccess conditions). */
  imageImportApply: 'imagestreams.req.image.imageimport.apply.v1',
  imageStreamImportCreate: 'imagestreams.req.import.imagestreamimport.create.v1',
  secretCreate: 'imagestreams.req.import.secret.create.v1',
  secretGet: 'imagestreams.req.import.secret.get.v1',
  secretList: 'imagestreams.req.import.secret.list.v1',
  secretDelete: 'imagestreams.req.import.secret.delete.v1',
  registryNotificationReceive: 'imagestreams.req.import.registrynotification.receive.v1',
  /** A namespace's login for an external registry, for the registry's pull-through. */
  registryLoginGet: 'imagestreams.req.import.registrylogin.get.v1',
  webhookSubscriptionCreate: 'imagestreams.req.trigger.webhooksubscription.create.v1',
  webhookSubscriptionGet: 'imagestreams.req.trigger.webhooksubscription.get.v1',
  webhookSubscriptionList: 'imagestreams.req.trigger.webhooksubscription.list.v1',
  webhookSubscriptionDelete: 'imagestreams.req.trigger.webhooksubscription.delete.v1',
  webhookSubscriptionPatch: 'imagestreams.req.trigger.webhooksubscription.patch.v1',
  webhookSubscriptionRotateSecret: 'imagestreams.req.trigger.webhooksubscription.rotatesecret.v1',
  webhookSubscriptionPing: 'imagestreams.req.trigger.webhooksubscription.ping.v1',
  webhookSubscriptionReplay: 'imagestreams.req.trigger.webhooksubscription.replay.v1',
  webhookDeliveryList: 'imagestreams.req.trigger.webhookdelivery.list.v1',
  webhookDeliveryGet: 'imagestreams.req.trigger.webhookdelivery.get.v1',
  webhookDeliveryRedeliver: 'imagestreams.req.trigger.webhookdelivery.redeliver.v1',
  workloadCreate: 'imagestreams.req.trigger.workload.create.v1',
  workloadGet: 'imagestreams.req.trigger.workload.get.v1',
  workloadList: 'imagestreams.req.trigger.workload.list.v1',
  workloadReplace: 'imagestreams.req.trigger.workload.replace.v1',
  workloadDelete: 'imagestreams.req.trigger.workload.delete.v1',
  buildGet: 'imagestreams.req.trigger.build.get.v1',
  buildList: 'imagestreams.req.trigger.build.list.v1',
  buildPatch: 'imagestreams.req.trigger.build.patch.v1',
  buildWebhookReceive: 'imagestreams.req.trigger.buildwebhook.receive.v1',
  tagMoveDryRun: 'imagestreams.req.trigger.tagmovedryrun.create.v1',
  templateCreate: 'imagestreams.req.template.template.create.v1',
  templateGet: 'imagestreams.req.template.template.get.v1',
  templateList: 'imagestreams.req.template.template.list.v1',
  templateUpdate: 'imagestreams.req.template.template.update.v1',
  templateDelete: 'imagestreams.req.template.template.delete.v1',
  /** Watch: what changed after a resourceVersion (the change log, folded per object). */
  templateChanges: 'imagestreams.req.template.template.changes.v1',
  /** Processes the template in the request and answers the result; stores nothing. */
  processedTemplateCreate: 'imagestreams.req.template.processedtemplate.create.v1',
  /** The samples operator's Config (`samples.operator.openshift.io/v1`, the singleton `cluster`). */
  samplesConfigGet: 'imagestreams.req.template.samplesconfig.get.v1',
  samplesConfigList: 'imagestreams.req.template.samplesconfig.list.v1',
  samplesConfigUpdate: 'imagestreams.req.template.samplesconfig.update.v1',
  samplesConfigPatch: 'imagestreams.req.template.samplesconfig.patch.v1',
  templateInstanceCreate: 'imagestreams.req.template.templateinstance.create.v1',
  templateInstanceGet: 'imagestreams.req.template.templateinstance.get.v1',
  templateInstanceList: 'imagestreams.req.template.templateinstance.list.v1',
  templateInstanceDelete: 'imagestreams.req.template.templateinstance.delete.v1',
  templateInstanceChanges: 'imagestreams.req.template.templateinstance.changes.v1',
  templateInstanceObjectList: 'imagestreams.req.template.templateinstanceobject.list.v1',
  templateInstanceObjectGet: 'imagestreams.req.template.templateinstanceobject.get.v1',
} as const;

/**
 * Best-effort wake-ups on core NATS (`ntf` = notification: may be lost, carries no state). Watchers
 * re-read the owner's change log when one arrives, and poll it anyway, so a lost one only delays.
 * The `…changed.v1` ones are per namespace: published to `wakeUpSubject(subject, namespace)`.
 */
export const NotificationSubjects = {
  /** `{namespace}`: stream-service committed a change of an image stream there. */
  imageStreamsChanged: 'imagestreams.ntf.image.imagestreams.changed.v1',
  /** `{namespace}`: template-service committed a change of a template / template instance there. */
  templatesChanged: 'imagestreams.ntf.template.templates.changed.v1',
  templateInstancesChanged: 'imagestreams.ntf.template.templateinstances.changed.v1',
  /**
   * An RBAC object or an identity (user, service account, access token) changed: every gateway
   * replica drops its cached policy. No payload; the policy cache also expires on its own.
   */
  accessChanged: 'imagestreams.ntf.access.policy.changed.v1',
} as const;

export type NamespacedNotificationSubject =
  | typeof NotificationSubjects.imageStreamsChanged
  | typeof NotificationSubjects.templatesChanged
  | typeof NotificationSubjects.templateInstancesChanged;

/**
 * Where a namespaced wake-up goes: `<subject>.<namespace>` (a namespace is a DNS label, so one
 * token). A listener of one namespace hears only its own, so a busy namespace costs nothing to
 * listeners of others; without a namespace, the wildcard that hears them all.
 */
export function wakeUpSubject(subject: NamespacedNotificationSubject, namespace?: string): string {
  return `${subject}.${namespace ?? '*'}`;
}

export type RequestSubject = (typeof RequestSubjects)[keyof typeof RequestSubjects];

/** JetStream streams: one per context and kind. */
export const StreamNames = {
  imageEvents: 'IMAGE_EVENTS',
  triggerEvents: 'TRIGGER_EVENTS',
} as const;

export const StreamSubjects: Record<(typeof StreamNames)[keyof typeof StreamNames], string[]> = {
  IMAGE_EVENTS: [EventSubjects.allImageEvents],
  TRIGGER_EVENTS: [EventSubjects.allTriggerEvents],
};

/** Durable consumers: `<service>--<what it reacts to>` (NATS names may not contain dots). */
export const ConsumerNames = {
  triggerDispatcherImageEvents: 'trigger-dispatcher--image-events',
  /** Trigger-context events (trigger.fired, subscription disabled) go to subscribers too. */
  triggerDispatcherTriggerEvents: 'trigger-dispatcher--trigger-events',
  /** Drops a deleted stream's repository (its manifest and blob links) from the registry. */
  registryGatewayImageEvents: 'registry-gateway--image-events',
  /** What the importer schedules and imports from: import specs, deleted streams, deleted tags. */
  importerImportSpecs: 'importer--import-specs',
  importerStreamDeletions: 'importer--stream-deletions',
  importerTagDeletions: 'importer--tag-deletions',
  /** Deleted namespaces: each service deletes what it keeps there (trigger-dispatcher hears them on its image-events durable). */
  importerNamespaceDeletions: 'importer--namespace-deletions',
  templateServiceNamespaceDeletions: 'template-service--namespace-deletions',
} as const;

/** Queue groups for request/reply: the owning service's name, so N replicas share the load. */
export const QueueGroups = {
  streamService: 'stream-service',
  triggerDispatcher: 'trigger-dispatcher',
  importer: 'importer',
  templateService: 'template-service',
} as const;
