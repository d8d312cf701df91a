import { Statuses, StatusError, type ResourceRef } from '@imagestreams/contracts';
import { MAX_NAME_LENGTH } from '../../http/edge-validation';

/** A cluster-scoped object whose name could never have been stored is simply not found, as Kubernetes answers. */
export function assertClusterAddressable(resource: ResourceRef, name: string): void {
  if (name.length > MAX_NAME_LENGTH) throw new StatusError(Statuses.notFound(resource, name));
}
