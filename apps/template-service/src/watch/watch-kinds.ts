import { NotificationSubjects, type NamespacedNotificationSubject } from '@imagestreams/contracts';

/** The kinds template-service's change log records (its `kind` column). */
export type WatchKind = 'Template' | 'TemplateInstance';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** Where each kind's watchers hear that its change log grew. */
export const WAKE_UP_SUBJECTS: Record<WatchKind, NamespacedNotificationSubject> = {
  Template: NotificationSubjects.templatesChanged,
  TemplateInstance: NotificationSubjects.templateInstancesChanged,
};
