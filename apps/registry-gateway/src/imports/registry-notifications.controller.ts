import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ImportRequests, type RegistryNotificationReceived } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';

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
  receive(@Param('endpoint') endpoint: string, @Param('secret') secret: string, @Body() body: unknown): Promise<RegistryNotificationReceived> {
    return this.owners.request(ImportRequests.receiveRegistryNotification, { endpoint, secret, body: body ?? null });
  }
}
