import { IMAGE_API_VERSION, type ImageStreamTag, type TagReference } from '@imagestreams/contracts';
import { dockerImageRepository, resolvePullSpec, type SpecTag, type TagEvent } from '@imagestreams/domain-image';
import type { ImageRow, ImageStreamRow } from './image-stream.repository';
import type { RegistryHosts } from './image-stream.view';

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
          image: {
            metadata: { name: current.image, ...(image ? { creationTimestamp: image.created_at.toISOString() } : {}) },
            dockerImageReference: pullSpec,
            ...(image?.metadata ? { dockerImageMetadata: image.metadata } : {}),
            ...(image?.manifest_media_type ? { dockerImageManifestMediaType: image.manifest_media_type } : {}),
          },
        }
      : {}),
  };
}
