import { validatePayload } from '../validation';
import { GetImageQuery, GetImageStreamImageQuery, ListImagesQuery } from '../requests/image-read-requests';
import { splitImageStreamImageName } from './image';
import { CreateImageStreamMappingRequest } from './image-stream-mapping';

const digest = (fill: string) => `sha256:${fill.repeat(64)}`;
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';

function mappingWith(image: Record<string, unknown>) {
  return { metadata: { name: 'web' }, image: { metadata: { name: digest('a') }, ...image }, tag: 'latest' };
}

function fieldsOf(body: unknown): string[] {
  const result = validatePayload(CreateImageStreamMappingRequest, body);
  return result.ok ? [] : result.causes.map((cause) => cause.field);
}

describe('splitImageStreamImageName', () => {
  it('splits <stream>@<id>', () => {
    expect(splitImageStreamImageName(`web@${digest('b')}`)).toEqual({ stream: 'web', id: digest('b') });
    expect(splitImageStreamImageName('web@abcdef1')).toEqual({ stream: 'web', id: 'abcdef1' });
  });

  it.each([['web'], ['web@'], ['@abc'], ['@'], ['a@b@c'], ['']])('rejects %p', (name) => {
    expect(splitImageStreamImageName(name)).toBeUndefined();
  });
});

describe('mapped image layers and manifests', () => {
  it('accepts layers, and manifests with only digest and mediaType, and strips unknown fields', () => {
    const withLayers = validatePayload(CreateImageStreamMappingRequest, mappingWith({ dockerImageLayers: [{ name: digest('1'), size: 0, mediaType: LAYER_TYPE, extra: true }] }));
    expect(withLayers.ok).toBe(true);
    if (withLayers.ok) expect(withLayers.value.image.dockerImageLayers).toEqual([{ name: digest('1'), size: 0, mediaType: LAYER_TYPE }]);

    const withManifests = validatePayload(
      CreateImageStreamMappingRequest,
      mappingWith({
        dockerImageManifests: [
          { digest: digest('2'), mediaType: MANIFEST_TYPE },
          { digest: digest('3'), mediaType: MANIFEST_TYPE, manifestSize: 528, architecture: 'arm64', os: 'linux', variant: 'v8' },
        ],
      }),
    );
    expect(withManifests.ok).toBe(true);
  });

  it.each([
    ['a layer name that is no digest', { dockerImageLayers: [{ name: 'sha256:abc', size: 1, mediaType: LAYER_TYPE }] }, 'image.dockerImageLayers[0].name'],
    ['a negative layer size', { dockerImageLayers: [{ name: digest('1'), size: -1, mediaType: LAYER_TYPE }] }, 'image.dockerImageLayers[0].size'],
    ['a fractional layer size', { dockerImageLayers: [{ name: digest('1'), size: 1.5, mediaType: LAYER_TYPE }] }, 'image.dockerImageLayers[0].size'],
    ['a missing layer media type', { dockerImageLayers: [{ name: digest('1'), size: 1 }] }, 'image.dockerImageLayers[0].mediaType'],
    ['a layer media type that is no type/subtype', { dockerImageLayers: [{ name: digest('1'), size: 1, mediaType: 'gzip' }] }, 'image.dockerImageLayers[0].mediaType'],
    ['layers that are not an array', { dockerImageLayers: { name: digest('1') } }, 'image.dockerImageLayers'],
    ['a manifest digest that is no digest', { dockerImageManifests: [{ digest: 'latest', mediaType: MANIFEST_TYPE }] }, 'image.dockerImageManifests[0].digest'],
    ['an empty architecture', { dockerImageManifests: [{ digest: digest('2'), mediaType: MANIFEST_TYPE, architecture: '' }] }, 'image.dockerImageManifests[0].architecture'],
    ['a negative manifest size', { dockerImageManifests: [{ digest: digest('2'), mediaType: MANIFEST_TYPE, manifestSize: -2 }] }, 'image.dockerImageManifests[0].manifestSize'],
    [
      'layers on a manifest list',
      { dockerImageLayers: [{ name: digest('1'), size: 1, mediaType: LAYER_TYPE }], dockerImageManifests: [{ digest: digest('2'), mediaType: MANIFEST_TYPE }] },
      'image.dockerImageLayers',
    ],
  ])('rejects %s on its field', (_case, image, field) => {
    const fields = fieldsOf(mappingWith(image));
    expect(fields).toContain(field);
    expect(fields.every((reported) => reported.startsWith(field))).toBe(true);
  });

  it('caps layers at 1000 and manifests at 256 with FieldValueTooLong', () => {
    const layers = Array.from({ length: 1001 }, () => ({ name: digest('1'), size: 1, mediaType: LAYER_TYPE }));
    const layerResult = validatePayload(CreateImageStreamMappingRequest, mappingWith({ dockerImageLayers: layers }));
    expect(layerResult.ok ? [] : layerResult.causes).toEqual([expect.objectContaining({ field: 'image.dockerImageLayers', reason: 'FieldValueTooLong' })]);
    expect(fieldsOf(mappingWith({ dockerImageLayers: layers.slice(0, 1000) }))).toEqual([]);

    const manifests = Array.from({ length: 257 }, () => ({ digest: digest('2'), mediaType: MANIFEST_TYPE }));
    expect(fieldsOf(mappingWith({ dockerImageManifests: manifests }))).toEqual(['image.dockerImageManifests']);
  });
});

describe('image read requests', () => {
  it('validates the owner payloads', () => {
    expect(validatePayload(GetImageQuery, { name: digest('a') }).ok).toBe(true);
    expect(validatePayload(GetImageQuery, {}).ok).toBe(false);
    expect(validatePayload(ListImagesQuery, {}).ok).toBe(true);
    expect(validatePayload(GetImageStreamImageQuery, { namespace: 'demo', name: 'web@abcdef1' }).ok).toBe(true);
    expect(validatePayload(GetImageStreamImageQuery, { namespace: 'demo' }).ok).toBe(false);
  });
});
