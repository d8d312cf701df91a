import {
  ImageRequests,
  ImageStreamWatchRequests,
  NotificationSubjects,
  TemplateInstanceRequests,
  TemplateRequests,
  type ImageStream,
  type Template,
  type TemplateInstance,
} from '@imagestreams/contracts';
import type { WatchableResource } from './resource-watcher';

/** stream-service's image streams. */
export const IMAGE_STREAMS: WatchableResource<ImageStream> = {
  list: ImageRequests.listImageStreams,
  changes: ImageStreamWatchRequests.changes,
  wakeUps: NotificationSubjects.imageStreamsChanged,
};

/** template-service's templates. */
export const TEMPLATES: WatchableResource<Template> = {
  list: TemplateRequests.list,
  changes: TemplateRequests.changes,
  wakeUps: NotificationSubjects.templatesChanged,
};

/** template-service's template instances. */
export const TEMPLATE_INSTANCES: WatchableResource<TemplateInstance> = {
  list: TemplateInstanceRequests.list,
  changes: TemplateInstanceRequests.changes,
  wakeUps: NotificationSubjects.templateInstancesChanged,
};
