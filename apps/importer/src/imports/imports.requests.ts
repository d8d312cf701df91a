import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateImageStreamImportCommand,
  ImportRequests,
  ReceiveRegistryNotificationCommand,
  type ImageStreamImport,
  type RegistryNotificationReceived,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { RegistryNotifications } from '../notifications/registry-notifications';
import { ImageStreamImports } from './image-stream-imports';

@Controller()
export class ImportsRequests {
  constructor(
    private readonly imports: ImageStreamImports,
    private readonly notifications: RegistryNotifications,
  ) {}

  @OnRequest(ImportRequests.createImageStreamImport)
  create(@Payload() command: CreateImageStreamImportCommand): Promise<ImageStreamImport> {
    return this.imports.create(command);
  }

  @OnRequest(ImportRequests.receiveRegistryNotification)
  notify(@Payload() command: ReceiveRegistryNotificationCommand): Promise<RegistryNotificationReceived> {
    return this.notifications.receive(command);
  }
}
