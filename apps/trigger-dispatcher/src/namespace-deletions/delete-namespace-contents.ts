import { Injectable, Logger } from '@nestjs/common';
import type { CloudEvent, NamespaceDeletedV1 } from '@imagestreams/contracts';
import { NamespaceContentsRepository } from './namespace-contents.repository';

/**
 * `namespace.deleted`: the namespace's webhook subscriptions (with their deliveries), workloads and
 * builds go. Idempotent, and harmless to a namespace re-created since (see NamespaceDeletedV1).
 */
@Injectable()
export class DeleteNamespaceContents {
  private readonly logger = new Logger('NamespaceDeletions');

  constructor(private readonly contents: NamespaceContentsRepository) {}

  async execute(event: CloudEvent<NamespaceDeletedV1>): Promise<void> {
    const { namespace } = event.data;
    const deleted = await this.contents.deleteCreatedBy(namespace, event.time);
    if (deleted.subscriptions + deleted.workloads + deleted.builds > 0) {
      this.logger.log(`namespace ${namespace} deleted: ${deleted.subscriptions} webhook subscription(s), ${deleted.workloads} workload(s), ${deleted.builds} build(s) with it`);
    }
  }
}
