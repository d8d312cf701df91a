export {
  choosePlatformManifest,
  platformPreferencesFromAnnotations,
  PREFER_ARCH_ANNOTATION,
  PREFER_OS_ANNOTATION,
  type PlatformManifest,
  type PlatformPreferences,
} from './platform-choice';
export {
  DEFAULT_BULK_IMPORT_LIMIT,
  orderRepositoryTags,
  splitBulkImport,
  UNLIMITED_BULK_IMPORT,
  type BulkImportSplit,
} from './bulk-tag-order';
export { compareSemanticVersions, parseSemanticVersion, type SemanticVersion } from './semantic-version';
export {
  importFailureStatus,
  repositoryImportStatus,
  successStatus,
  type FailureStatus,
  type ImportFailure,
  type RepositoryFailureStatus,
  type StatusCause,
  type StatusDetails,
  type SuccessStatus,
} from './import-status';
export {
  DEFAULT_MAX_SCHEDULED_IMPORTS_PER_MINUTE,
  DEFAULT_MINIMUM_IMPORT_INTERVAL_MS,
  effectiveInterval,
  MIN_CHECK_DELAY_MS,
  nextCheckAt,
} from './schedule';
export { MAX_NOTICES_PER_NOTIFICATION, parseRegistryNotification, type PushNotice } from './registry-notifications';
export { DOCKER_HUB_API_HOST, parseImportSource, sourceMatchesNotice, type ImportSource } from './import-target';
