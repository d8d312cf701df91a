import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsImageStreamName } from './names';
import { IsStringMap, ObjectMetaInput } from './object-meta';

/**
 * What clients send for an ImageStream (create, update). Shapes are checked here; the image
 * rules (tag names, `from` forms, references) are the owner's (stream-service) so every writer
 * of spec tags gets the same answers. Real OpenShift JSON loads unchanged: server-set fields
 * (`status`, `metadata.creationTimestamp`, ...) are accepted and ignored.
 */
export class ObjectReferenceInput {
  @IsDefined()
  @IsString()
  @MaxLength(1024)
  kind: string;

  @IsDefined()
  @IsString()
  @MaxLength(1024)
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(253)
  namespace?: string;
}

export class TagImportPolicyInput {
  @IsOptional()
  @IsBoolean()
  insecure?: boolean;

  @IsOptional()
  @IsBoolean()
  scheduled?: boolean;

  @IsOptional()
  @IsString()
  importMode?: string;
}

export class TagReferencePolicyInput {
  @IsOptional()
  @IsString()
  type?: string;
}

/** How a tag imports (`importPolicy`) and how its pull spec is given out (`referencePolicy`). */
export class TagPoliciesInput {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TagImportPolicyInput)
  importPolicy?: TagImportPolicyInput;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TagReferencePolicyInput)
  referencePolicy?: TagReferencePolicyInput;
}

export class TagReferenceInput extends TagPoliciesInput {
  /** Required in a stream's spec (the owner checks); an ImageStreamTag write takes it from the URL. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  name: string;

  @IsOptional()
  @IsStringMap()
  annotations?: Record<string, string> | null;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ObjectReferenceInput)
  from?: ObjectReferenceInput;

  @IsOptional()
  @IsBoolean()
  reference?: boolean;

  @IsOptional()
  @IsInt()
  @Min(0)
  generation?: number | null;
}

export class LookupPolicyInput {
  @IsOptional()
  @IsBoolean()
  local?: boolean;
}

export class ImageStreamSpecInput {
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => LookupPolicyInput)
  lookupPolicy?: LookupPolicyInput;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  dockerImageRepository?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => TagReferenceInput)
  tags?: TagReferenceInput[];
}

export class ImageStreamMetaInput extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @IsImageStreamName()
  name: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  uid?: string;
}

export class ImageStreamInput {
  @IsOptional()
  @IsIn(['image.openshift.io/v1', 'v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['ImageStream'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamMetaInput)
  metadata: ImageStreamMetaInput;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ImageStreamSpecInput)
  spec?: ImageStreamSpecInput;
}

export class ObjectMetaInputWithName extends ObjectMetaInput {
  @IsDefined()
  @IsString()
  @MaxLength(512)
  name: string;
}

/** `oc tag` as a resource: the tag half of an ImageStreamTag write. */
export class ImageStreamTagInput {
  @IsOptional()
  @IsIn(['image.openshift.io/v1', 'v1'])
  apiVersion?: string;

  @IsOptional()
  @IsIn(['ImageStreamTag'])
  kind?: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ObjectMetaInputWithName)
  metadata: ObjectMetaInputWithName;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => TagReferenceInput)
  tag?: TagReferenceInput;
}

/** Moves a tag back to an image of its own history in one call (our API; OpenShift uses `oc tag`). */
export class TagRollbackInput {
  /** The image to restore (`sha256:…`, or a unique prefix of ≥ 7 hex characters) ... */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  image?: string;

  /** ... or how many moves back (1 = the image before the current one). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  revisionsBack?: number;

  /** Recorded in the `tag.changed` event. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  reason?: string;
}
