import { imageStreamImageView, imageView } from './image.view';
import type { ImageRow, StreamOfImageRow } from './images.repository';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const LAYER = `sha256:${'01'.repeat(32)}`;
const PLATFORM = `sha256:${'cd'.repeat(32)}`;

function image(overrides: Partial<ImageRow> = {}): ImageRow {
  return {
    name: DIGEST,
    docker_image_reference: `registry.local:5000/team-a/web@${DIGEST}`,
    manifest_media_type: null,
    metadata: null,
    layers: null,
    manifests: null,
    created_at: new Date('2026-11-27T11:00:00Z'),
    ...overrides,
  };
}

const stream: StreamOfImageRow = {
  uid: '00000000-0000-4000-8000-000000000001',
  namespace: 'team-a',
  name: 'web',
  resource_version: '42',
  annotations: {},
  created_at: new Date('2026-11-27T10:00:00Z'),
};

describe('imageView', () => {
  it('renders a bare image with empty layers, metadata version 1.0 and nothing it does not know', () => {
    expect(imageView(image())).toEqual({
      kind: 'Image',
      apiVersion: 'image.openshift.io/v1',
      metadata: { name: DIGEST, creationTimestamp: '2026-11-27T11:00:00.000Z' },
      dockerImageReference: `registry.local:5000/team-a/web@${DIGEST}`,
      dockerImageMetadataVersion: '1.0',
      dockerImageLayers: [],
    });
  });

  it('renders layers in stored order, the manifest media type and Docker metadata typed as DockerImage', () => {
    const view = imageView(
      image({
        manifest_media_type: 'application/vnd.oci.image.manifest.v1+json',
        metadata: { Id: 'sha256:config', Architecture: 'amd64' },
        layers: [
          { name: LAYER, size: 10, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
          { name: PLATFORM, size: 0, mediaType: 'application/vnd.oci.image.layer.v1.tar' },
        ],
      }),
    );
    expect(view.dockerImageManifestMediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(view.dockerImageMetadata).toEqual({ kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0', Id: 'sha256:config', Architecture: 'amd64' });
    expect(view.dockerImageLayers.map((layer) => [layer.name, layer.size])).toEqual([
      [LAYER, 10],
      [PLATFORM, 0],
    ]);
    expect(view.dockerImageManifests).toBeUndefined();
  });

  it('renders manifest-list entries with size, architecture and os always present and variant only when set', () => {
    const view = imageView(
      image({
        manifests: [
          { digest: PLATFORM, mediaType: 'application/vnd.oci.image.manifest.v1+json', manifestSize: 512, architecture: 'arm64', os: 'linux', variant: 'v8' },
          { digest: LAYER, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
        ],
      }),
    );
    expect(view.dockerImageManifests).toEqual([
      { digest: PLATFORM, mediaType: 'application/vnd.oci.image.manifest.v1+json', manifestSize: 512, architecture: 'arm64', os: 'linux', variant: 'v8' },
      { digest: LAYER, mediaType: 'application/vnd.oci.image.manifest.v1+json', manifestSize: 0, architecture: '', os: '' },
    ]);
    expect(view.dockerImageLayers).toEqual([]);
  });

  it('omits dockerImageManifests when the stored list is empty', () => {
    expect(imageView(image({ manifests: [] })).dockerImageManifests).toBeUndefined();
  });
});

describe('imageStreamImageView', () => {
  it("names the object <stream>@<full digest> with the stream's identity and the image inside", () => {
    const view = imageStreamImageView(stream, image());
    expect(view).toEqual({
      kind: 'ImageStreamImage',
      apiVersion: 'image.openshift.io/v1',
      metadata: { name: `web@${DIGEST}`, namespace: 'team-a', uid: stream.uid, resourceVersion: '42', creationTimestamp: '2026-11-27T10:00:00.000Z' },
      image: imageView(image()),
    });
  });

  it("carries the stream's annotations when it has any", () => {
    const view = imageStreamImageView({ ...stream, annotations: { owner: 'team-a' } }, image());
    expect(view.metadata.annotations).toEqual({ owner: 'team-a' });
  });
});
