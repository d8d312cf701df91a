import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { EventSubjects, type CloudEvent, type NamespaceDeletedV1 } from '@imagestreams/contracts';
import { OnEvent } from '@imagestreams/platform-messaging';
import { DeleteNamespaceContents } from './delete-namespace-contents';

/** The durable `importer--namespace-deletions`; acked once the deletion committed. */
@Controller()
export class NamespaceDeletionsListener {
  constructor(private readonly deletion: DeleteNamespaceContents) {}

  @OnEvent(EventSubjects.namespaceDeleted)
  onNamespaceDeleted(@Payload() event: CloudEvent<NamespaceDeletedV1>): Promise<void> {
    return this.deletion.execute(event);
  }
}
