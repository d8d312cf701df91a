import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventSubjects, type CloudEvent, type ImageStreamDeletedV1 } from '@imagestreams/contracts';
import { OnEvent } from '@imagestreams/platform-messaging';
import { RegistryRecordsRepository } from './registry-records.repository';

/**
 * A deleted image stream is a deleted repository: its manifests and blob links go (the bytes stay
 * for garbage collection). Only what the deleted stream held (see ImageStreamDeletedV1), so a
 * redelivered or late event changes nothing in a repository pushed again since.
 */
@Controller()
export class RepositoryCleanupListener {
  constructor(private readonly records: RegistryRecordsRepository) {}

  @OnEvent(EventSubjects.imageStreamDeleted)
  async onImageStreamDeleted(@Payload() event: CloudEvent<ImageStreamDeletedV1>): Promise<void> {
    await this.records.dropRepository(`${event.data.namespace}/${event.data.imageStream}`, event.time);
  }
}
