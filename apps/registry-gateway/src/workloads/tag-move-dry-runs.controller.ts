import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { TagMoveDryRunRequest, TagMoveDryRunResource, TriggerRequests, type TagMoveDryRun } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertReadableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** "If tag X moved to image Y, what would fire?" Subscriptions, builds, rollouts, rewritten images; nothing fires. */
@Controller('apis/notifications.imagestreams.io/v1/namespaces/:namespace/tagmovedryruns')
export class TagMoveDryRunsController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(200)
  @ApiDoc({ summary: 'what a tag move would set off (webhooks, builds, rollouts, rewritten images), without firing anything', body: TagMoveDryRunRequest, returns: 'TagMoveDryRun' })
  dryRun(@Param('namespace') namespace: string, @Body() body: unknown): Promise<TagMoveDryRun> {
    assertReadableNamespace(namespace);
    const request = validBody(TagMoveDryRunRequest, TagMoveDryRunResource, body);
    return this.owners.request(TriggerRequests.dryRunTagMove, { ...request, namespace });
  }
}
