import { IMAGE_API_VERSION, imageManifestOf, type Image, type MappedImageInput } from '@imagestreams/contracts';

/** The Image an ImageStreamImport's status shows (OpenShift strips the manifest unless includeManifest). */
export function importedImageView(image: MappedImageInput, manifest?: Buffer): Image {
  return {
    kind: 'Image',
    apiVersion: IMAGE_API_VERSION,
    metadata: { name: image.metadata.name, creationTimestamp: new Date().toISOString() },
    dockerImageReference: image.dockerImageReference ?? '',
    ...(image.dockerImageMetadata ? { dockerImageMetadata: image.dockerImageMetadata } : {}),
    dockerImageMetadataVersion: '1.0',
    ...(image.dockerImageManifestMediaType ? { dockerImageManifestMediaType: image.dockerImageManifestMediaType } : {}),
    dockerImageLayers: image.dockerImageLayers ?? [],
    ...(image.dockerImageManifests ? { dockerImageManifests: image.dockerImageManifests.map(imageManifestOf) } : {}),
    ...(manifest ? { dockerImageManifest: manifest.toString('utf8') } : {}),
  };
}
