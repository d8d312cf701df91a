import { isValidDigest, tryParseReference } from '@imagestreams/image-reference';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, ValidateBy, ValidateNested } from 'class-validator';
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

export class MappedImageInput {
  @IsDefined()
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
  @ValidateNested()
  @Type(() => ImageStreamMappingMetaInput)
  metadata: ImageStreamMappingMetaInput;

  @IsDefined()
  @ValidateNested()
  @Type(() => MappedImageInput)
  image: MappedImageInput;

  @IsDefined()
  @IsString()
  @IsTagName()
  tag: string;
}
