import { ImageStreamTagResource, Statuses, StatusError } from '@imagestreams/contracts';

/** `<stream>:<tag>` exactly, or 400 as OpenShift answers. */
export function parseStreamTagName(name: string): { stream: string; tag: string } {
  const parts = name.split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1] || name.includes('@')) {
    throw new StatusError(Statuses.badRequest('ImageStreamTags must be retrieved with <name>:<tag>'));
  }
  return { stream: parts[0], tag: parts[1] };
}

export function tagNotFound(name: string): StatusError {
  return new StatusError(Statuses.notFound(ImageStreamTagResource, name));
}
