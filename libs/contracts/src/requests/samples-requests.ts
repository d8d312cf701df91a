import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, MaxLength, ValidateNested } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import { WithActor } from '../api/resource-requests';
import { SamplesConfigInput, type SamplesConfig, type SamplesConfigList } from '../api/samples-config';

/** A cluster-scoped object by name (only `cluster` exists). */
export class SamplesConfigNameRequest {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;
}

/** Every Config (there is one): a List, as `kubectl get configs.samples.operator.openshift.io` asks. */
export class ListSamplesConfigsRequest extends WithActor {}

/** PUT: the whole spec; `metadata.resourceVersion` (and `uid`), when set, must match. `status` is ignored. */
export class UpdateSamplesConfigCommand extends WithActor {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => SamplesConfigInput)
  config: SamplesConfigInput;
}

/** RFC 7386 JSON merge patch, applied by template-service to the stored Config and validated after. */
export class PatchSamplesConfigCommand extends WithActor {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;

  @IsDefined()
  @IsObject()
  patch: Record<string, unknown>;
}

/** template-service owns the Config; a write reconciles the samples at once (after answering). */
export const SamplesConfigRequests = {
  get: defineRequest<SamplesConfigNameRequest, SamplesConfig>(RequestSubjects.samplesConfigGet, SamplesConfigNameRequest),
  list: defineRequest<ListSamplesConfigsRequest, SamplesConfigList>(RequestSubjects.samplesConfigList, ListSamplesConfigsRequest),
  update: defineRequest<UpdateSamplesConfigCommand, SamplesConfig>(RequestSubjects.samplesConfigUpdate, UpdateSamplesConfigCommand),
  patch: defineRequest<PatchSamplesConfigCommand, SamplesConfig>(RequestSubjects.samplesConfigPatch, PatchSamplesConfigCommand),
};
