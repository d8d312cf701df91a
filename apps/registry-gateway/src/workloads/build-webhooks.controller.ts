import { Body, Controller, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { BuildConfigKind, TriggerRequests, type Status, type StoredObject } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** The headers OpenShift's webhook rules read; nothing else is passed on. */
const FORWARDED_HEADERS = ['content-type', 'x-github-event', 'x-gogs-event', 'x-gitlab-event', 'x-event-key'];

/**
 * OpenShift's inbound build webhooks: a Git host or CI posts here and the BuildConfig's matching
 * trigger requests a Build. The secret is in the path (as OpenShift has it); it is compared in
 * constant time by the owner, and every mismatch answers the same 401.
 */
@Controller('apis/build.openshift.io/v1/namespaces/:namespace/buildconfigs/:name/webhooks')
export class BuildWebhooksController {
  constructor(private readonly owners: OwnerClient) {}

  @Post(':secret/:type')
  @HttpCode(200)
  @ApiDoc({
    summary: 'inbound build webhook (github, gitlab, bitbucket, generic): answers the Build it created, or a Status saying why nothing was built',
    body: { type: 'object', description: 'the Git host\'s push event, or a generic payload ({git, env} when the trigger allows env); generic bodies of other types are ignored with a warning' },
    returns: 'StoredObject',
  })
  receive(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('secret') secret: string,
    @Param('type') type: string,
    @Headers() headers: Record<string, string | string[] | undefined>,
    @Body() body: unknown,
  ): Promise<StoredObject | Status> {
    assertAddressable(BuildConfigKind, namespace, name);
    const forwarded = Object.fromEntries(
      FORWARDED_HEADERS.flatMap((header) => {
        const value = headers[header];
        return value === undefined ? [] : [[header, Array.isArray(value) ? value[0] : value]];
      }),
    );
    return this.owners.request(TriggerRequests.receiveBuildWebhook, {
      namespace,
      name,
      secret,
      type,
      method: 'POST',
      headers: forwarded,
      ...(body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0 && !forwarded['content-type']) ? {} : { body: JSON.stringify(body) }),
    });
  }
}
