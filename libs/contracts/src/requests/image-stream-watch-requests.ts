import { IsOptional, IsString, MaxLength } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import type { ImageStream } from '../api/image-stream';
import { NamespaceScopeRequest } from '../api/resource-requests';

/** ERROR carries a Status and ends the watch (e.g. 410 when it fell behind the change log). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/** Changes after a resourceVersion, for `?watch=true`. */
export class ImageStreamChangesQuery extends NamespaceScopeRequest {
  @IsString()
  @MaxLength(32)
  sinceResourceVersion: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  labelSelector?: string;
}

export interface ImageStreamChanges {
  /** Resume point: pass it back as `sinceResourceVersion`. */
  resourceVersion: string;
  events: WatchEvent<ImageStream>[];
}

/** A change of the latest state of each changed stream, in change order; 410 Expired when `since` is older than the log keeps. */
export const ImageStreamWatchRequests = {
  changes: defineRequest<ImageStreamChangesQuery, ImageStreamChanges>(RequestSubjects.imageStreamChanges, ImageStreamChangesQuery),
};
