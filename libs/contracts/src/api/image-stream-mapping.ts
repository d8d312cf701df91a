import { isValidDigest, tryParseReference } from '@imagestreams/image-reference';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { IsImageStreamName, IsTagName } from './names';
import { ObjectMetaInput } from './object-meta';

const IsDigest = () =>
  ValidateBy({
    name: 'isDigest',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isValidDigest(value),
      defaultMessage: () => 'must be a digest of the form sha256:<64 lowercase hex characters>',
    },
  });

const IsImageReference = () =>
  ValidateBy({
    name: 'isImageReference',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && tryParseReference(value).ok,
      defaultMessage: (args) => {
        const parsed = typeof args?.value === 'string' ? tryParseReference(args.value) : undefined;
        return parsed && !parsed.ok ? parsed.error.message : 'must be a valid image reference';
      },
    },
  });

export class ImageMetaInput {
  /** An Image is named by its manifest digest. */
  @IsDefined()
  @IsString()
  @IsDigest()
  name: string;
}

/** RFC 6838 `type/subtype` (with optional `+suffix` and parameters), as OpenShift checks media types. */
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:\s*;.*)?$/;

const IsMediaType = () =>
  ValidateBy({
    name: 'isMediaType',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && MEDIA_TYPE.test(value),
      defaultMessage: () => 'must be a media type of the form type/subtype',
    },
  });

/** OpenShift: a manifest list has no layers of its own; its sub-manifests do. */
const IsEmptyWhenManifestsSet = () =>
  ValidateBy({
    name: 'isEmptyWhenManifestsSet',
    validator: {
      validate: (value: unknown, args) => {
        const manifests = (args?.object as { dockerImageManifests?: unknown } | undefined)?.dockerImageManifests;
        return !(Array.isArray(value) && value.length > 0 && Array.isArray(manifests) && manifests.length > 0);
      },
      defaultMessage: () => 'must be empty when dockerImageManifests is set',
    },
  });

export const MAX_IMAGE_LAYERS = 1000;
export const MAX_IMAGE_MANIFESTS = 256;

export class ImageLayerInput {
  /** The layer blob's digest. */
  @IsDefined()
  @IsString()
  @IsDigest()
  name: string;

  @IsDefined()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  size: number;

  @IsDefined()
  @IsString()
  @MaxLength(255)
  @IsMediaType()
  mediaType: string;
}

/** One platform's entry of a manifest list. */
export class ImageManifestInput {
  @IsDefined()
  @IsString()
  @IsDigest()
  digest: string;

  @IsDefined()
  @IsString()
  @MaxLength(255)
  @IsMediaType()
  mediaType: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  manifestSize?: number;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  architecture?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  os?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  variant?: string;
}

export class MappedImageInput {
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageMetaInput)
  metadata: ImageMetaInput;

  /** Where the image can be pulled; the server fills `<registry>/<ns>/<stream>@<digest>` when absent. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @IsImageReference()
  dockerImageReference?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  dockerImageManifestMediaType?: string;

  @IsOptional()
  @IsObject()
  dockerImageMetadata?: Record<string, unknown>;

  /** Base layer first. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMAGE_LAYERS)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ImageLayerInput)
  @IsEmptyWhenManifestsSet()
  dockerImageLayers?: ImageLayerInput[];

  /** Manifest lists only: the platform manifests it points at. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_IMAGE_MANIFESTS)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ImageManifestInput)
  dockerImageManifests?: ImageManifestInput[];
}

export class ImageStreamMappingMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @IsImageStreamName()
  name: string;
}

export class CreateImageStreamMappingRequest {
  @IsOptional()
  @IsIn(['image.openshift.io/v1', 'v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['ImageStreamMapping'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamMappingMetaInput)
  metadata: ImageStreamMappingMetaInput;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => MappedImageInput)
  image: MappedImageInput;

  @IsDefined()
  @IsString()
  @IsTagName()
  tag: string;
}
