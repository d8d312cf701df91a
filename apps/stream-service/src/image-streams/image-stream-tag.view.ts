import { IMAGE_API_VERSION, type ImageStreamTag, type TagReference } from '@imagestreams/contracts';
import { dockerImageRepository, resolvePullSpec, type SpecTag, type TagEvent } from '@imagestreams/domain-image';
import { imageView } from '../images/image.view';
import type { ImageRow, ImageStreamRow } from './image-stream.repository';
import type { RegistryHosts } from './image-stream.view';

function withoutTypeMeta<T extends { kind: string; apiVersion: string }>(object: T): Omit<T, 'kind' | 'apiVersion'> {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = object;
  return rest;
}

/**
 * `<stream>:<tag>`: the spec tag (if any), its current status and the image it resolves to, with
 * the pull spec following the tag's referencePolicy (§4.6). Metadata is the stream's (§1: virtual).
 */
export function imageStreamTagView(stream: ImageStreamRow, tag: string, current: TagEvent | undefined, image: ImageRow | undefined, hosts: RegistryHosts): ImageStreamTag {
  const spec = ((stream.spec as { tags?: SpecTag[] }).tags ?? []).find((candidate) => candidate.name === tag);
  const repository = dockerImageRepository(hosts.internal, stream.namespace, stream.name);
  const pullSpec = resolvePullSpec(spec?.referencePolicy?.type, current, repository) ?? current?.dockerImageReference ?? '';
  return {
    kind: 'ImageStreamTag',
    apiVersion: IMAGE_API_VERSION,
    metadata: {
      name: `${stream.name}:${tag}`,
      namespace: stream.namespace,
      uid: stream.uid,
      resourceVersion: String(stream.resource_version),
      creationTimestamp: current?.created ?? stream.created_at.toISOString(),
      ...(spec?.annotations ? { annotations: spec.annotations } : {}),
    },
    tag: (spec as TagReference | undefined) ?? null,
    generation: current?.generation ?? Number(spec?.generation ?? stream.generation),
    lookupPolicy: { local: Boolean((stream.spec as { lookupPolicy?: { local?: boolean } }).lookupPolicy?.local) },
    ...(current && current.image
      ? {
          // The whole Image (metadata, layers, platforms), pulled the way the tag's policy says.
          image: image ? { ...withoutTypeMeta(imageView(image)), dockerImageReference: pullSpec } : { metadata: { name: current.image }, dockerImageReference: pullSpec },
        }
      : {}),
  };
}
