import { Body, Controller, Get, Headers, Param, Patch, Put } from '@nestjs/common';
import { SAMPLES_CONFIG_NAME, SamplesConfigInput, SamplesConfigRequests, SamplesConfigResource, Statuses, StatusError, type SamplesConfig, type SamplesConfigList } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { mergePatchBody, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** Only `cluster` exists; any other name is not found, before anyone is asked. */
function assertSingleton(name: string): void {
  if (name !== SAMPLES_CONFIG_NAME) throw new StatusError(Statuses.notFound(SamplesConfigResource, name));
}

/**
 * The samples operator's `Config` (`samples.operator.openshift.io/v1`, cluster scoped, the
 * singleton `cluster`); template-service owns it, and a write reconciles the samples catalog in
 * the samples namespace at once.
 */
@Controller('apis/samples.operator.openshift.io/v1')
export class SamplesConfigController {
  constructor(private readonly owners: OwnerClient) {}

  @Get('configs')
  @ApiDoc({ summary: 'list the samples operator Configs (there is one: cluster)', returns: 'SamplesConfigList' })
  list(): Promise<SamplesConfigList> {
    return this.owners.request(SamplesConfigRequests.list, {});
  }

  @Get('configs/:name')
  @ApiDoc({ summary: 'read the samples operator Config (only `cluster` exists)', returns: 'SamplesConfig' })
  get(@Param('name') name: string): Promise<SamplesConfig> {
    assertSingleton(name);
    return this.owners.request(SamplesConfigRequests.get, { name });
  }

  /** Replace the spec; `metadata.resourceVersion` makes it conditional (409 when stale); `status` is ignored. */
  @Put('configs/:name')
  @ApiDoc({ summary: 'replace the samples Config spec (managementState, samplesRegistry, skip lists, architectures); reconciles at once', body: SamplesConfigInput, returns: 'SamplesConfig' })
  update(@Param('name') name: string, @Body() body: unknown): Promise<SamplesConfig> {
    assertSingleton(name);
    const config = validBody(SamplesConfigInput, SamplesConfigResource, body);
    return this.owners.request(SamplesConfigRequests.update, { name, config });
  }

  /** JSON merge patch, validated by the owner once applied (422 with a cause per field). */
  @Patch('configs/:name')
  @ApiDoc({
    summary: 'JSON merge patch (RFC 7386) of the samples Config; reconciles at once',
    body: { type: 'object', description: 'a JSON merge patch of a Config, e.g. {"spec":{"managementState":"Removed"}}' },
    consumes: ['application/merge-patch+json', 'application/json'],
    returns: 'SamplesConfig',
  })
  patch(@Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown): Promise<SamplesConfig> {
    assertSingleton(name);
    return this.owners.request(SamplesConfigRequests.patch, { name, patch: mergePatchBody(contentType, body) });
  }
}
