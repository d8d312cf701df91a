import { IMAGE_API_VERSION, imageManifestOf, type Image, type ImageStreamImage } from '@imagestreams/contracts';
import type { ImageRow, StreamOfImageRow } from './images.repository';

/** What OpenShift calls the metadata object's type inside `dockerImageMetadata`. */
const DOCKER_IMAGE_METADATA = { kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0' } as const;

/** Renders a stored image in OpenShift's v1 JSON shape (manifest and config are never stored). */
export function imageView(row: ImageRow): Image {
  return {
    kind: 'Image',
    apiVersion: IMAGE_API_VERSION,
    metadata: { name: row.name, creationTimestamp: row.created_at.toISOString() },
    dockerImageReference: row.docker_image_reference,
    ...(row.metadata ? { dockerImageMetadata: { ...DOCKER_IMAGE_METADATA, ...row.metadata } } : {}),
    dockerImageMetadataVersion: '1.0',
    ...(row.manifest_media_type ? { dockerImageManifestMediaType: row.manifest_media_type } : {}),
    dockerImageLayers: (row.layers ?? []).map((layer) => ({ name: layer.name, size: layer.size, mediaType: layer.mediaType })),
    ...(row.manifests?.length ? { dockerImageManifests: row.manifests.map(imageManifestOf) } : {}),
  };
}

/** An image seen through a stream that references it: the stream's metadata, named `<stream>@<digest>`. */
export function imageStreamImageView(stream: StreamOfImageRow, image: ImageRow): ImageStreamImage {
  return {
    kind: 'ImageStreamImage',
    apiVersion: IMAGE_API_VERSION,
    metadata: {
      name: `${stream.name}@${image.name}`,
      namespace: stream.namespace,
      uid: stream.uid,
      resourceVersion: String(stream.resource_version),
      creationTimestamp: stream.created_at.toISOString(),
      ...(Object.keys(stream.annotations).length ? { annotations: stream.annotations } : {}),
    },
    image: imageView(image),
  };
}
