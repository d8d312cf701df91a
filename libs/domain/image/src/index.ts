export {
  addTagEvent,
  currentTagEvent,
  pruneHistory,
  type AddTagEventResult,
  type TagEvent,
  type TagHistoryChange,
} from './tag-history';
export { dockerImageRepository, imagePullSpec } from './repository-names';
