import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { ImageStream } from '../api/image-stream';
import { ResourceChangesQuery, type ResourceChanges } from './watch-requests';

/** Changes of image streams after a resourceVersion, for `?watch=true`. */
export class ImageStreamChangesQuery extends ResourceChangesQuery {}

export type ImageStreamChanges = ResourceChanges<ImageStream>;

/** A change of the latest state of each changed stream, in change order; 410 Expired when `since` is older than the log keeps. */
export const ImageStreamWatchRequests = {
  changes: defineRequest<ImageStreamChangesQuery, ImageStreamChanges>(RequestSubjects.imageStreamChanges, ImageStreamChangesQuery),
};
