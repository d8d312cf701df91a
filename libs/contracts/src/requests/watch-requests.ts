import { IsOptional, IsString, MaxLength } from 'class-validator';
import { NamespaceScopeRequest } from '../api/resource-requests';

/** ERROR carries a Status and ends the watch (e.g. 410 when it fell behind the change log). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';

export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
}

/**
 * What changed after a resourceVersion, for `?watch=true`: asked of the owner of a watchable
 * resource (one namespace, or all when `namespace` is omitted), filtered by `labelSelector`.
 */
export class ResourceChangesQuery extends NamespaceScopeRequest {
  @IsString()
  @MaxLength(32)
  sinceResourceVersion: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  labelSelector?: string;
}

/** Each changed object once, with its current state, in change order; 410 Expired when `since` is older than the owner's change log keeps. */
export interface ResourceChanges<T> {
  /** Resume point: pass it back as `sinceResourceVersion`. */
  resourceVersion: string;
  events: WatchEvent<T>[];
}
