export {
  addTagEvent,
  currentTagEvent,
  pruneHistory,
  type AddTagEventResult,
  type TagEvent,
  type TagHistoryChange,
} from './tag-history';
export { dockerImageRepository, imagePullSpec } from './repository-names';
export {
  applySpecDefaults,
  assignTagGenerations,
  nextStreamGeneration,
  validateSpecTags,
  DEFAULT_IMPORT_MODE,
  DEFAULT_REFERENCE_POLICY_TYPE,
  TAG_NAME_PATTERN,
  type AssignTagGenerationsResult,
  type ObjectReference,
  type ObjectReferenceKind,
  type SpecTag,
  type SpecTagError,
  type SpecTagInput,
  type TagImportMode,
  type TagImportPolicy,
  type TagReferencePolicy,
  type TagReferencePolicyType,
} from './spec-tags';
export {
  isSameStreamAlias,
  isTagSourceError,
  parseTagSource,
  TAG_SOURCE_FORM_MESSAGE,
  type StreamLocation,
  type TagSource,
} from './tag-source';
export { aliasCycle, tagsTracking } from './tracking-tags';
export { findImageByPrefix, MIN_IMAGE_ID_HEX_LENGTH, type ImageLookupResult } from './image-lookup';
export { resolvePullSpec, rewriteForThisStream } from './pull-spec';
export { importableTagsKey, isImportableTag, nextImportConditions, type ImportFailureFact, type TagCondition } from './import-conditions';
export { pullThroughOrigin, type ImageHistoryEntry, type PullThroughOrigin } from './pull-through';
