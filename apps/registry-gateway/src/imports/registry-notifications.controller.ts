import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ImportRequests, type RegistryNotificationReceived } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { ApiDoc } from '../openapi/api-docs';

/**
 * Push-first imports: registries (CNCF distribution notifications, Docker Hub, Harbor, Quay) call
 * this when an image is pushed, and the importer checks the scheduled tags that follow it at once.
 * The secret is in the path because Docker Hub and Quay webhooks cannot send headers; the importer
 * compares it in constant time.
 */
@Controller('apis/imagestreams.io/v1/registrynotifications/:endpoint/:secret')
export class RegistryNotificationsController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(202)
  @ApiDoc({
    summary: 'a push notification from a registry: scheduled tags following the pushed repository are checked at once',
    body: { type: 'object', description: 'the payload as the registry sends it: a CNCF distribution notification envelope, or a Docker Hub, Harbor or Quay webhook' },
    consumes: ['application/json', 'application/vnd.docker.distribution.events.v1+json'],
    status: 202,
    returns: 'RegistryNotificationReceived',
  })
  receive(@Param('endpoint') endpoint: string, @Param('secret') secret: string, @Body() body: unknown): Promise<RegistryNotificationReceived> {
    return this.owners.request(ImportRequests.receiveRegistryNotification, { endpoint, secret, body: body ?? null });
  }
}
