import { Injectable, Logger } from '@nestjs/common';
import type { CloudEvent, NamespaceDeletedV1 } from '@imagestreams/contracts';
import { ScheduledTagsRepository } from '../schedules/scheduled-tags.repository';
import { RegistrySecretsRepository } from '../secrets/registry-secrets.repository';

/**
 * `namespace.deleted`: the namespace's registry credentials, scheduled tags and applied import
 * specs go. The streams' own `imagestream.deleted` (another durable, maybe later) drops their
 * schedules too; either order ends the same. Idempotent, and harmless to a namespace re-created
 * since (see NamespaceDeletedV1).
 */
@Injectable()
export class DeleteNamespaceContents {
  private readonly logger = new Logger('NamespaceDeletions');

  constructor(
    private readonly secrets: RegistrySecretsRepository,
    private readonly schedules: ScheduledTagsRepository,
  ) {}

  async execute(event: CloudEvent<NamespaceDeletedV1>): Promise<void> {
    const { namespace, resourceVersion } = event.data;
    const secrets = await this.secrets.deleteCreatedBy(namespace, event.time);
    const streams = await this.schedules.dropNamespace(namespace, resourceVersion);
    if (secrets + streams > 0) this.logger.log(`namespace ${namespace} deleted: ${secrets} registry secret(s), the import schedules of ${streams} image stream(s) with it`);
  }
}
