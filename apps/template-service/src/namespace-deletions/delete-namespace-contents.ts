import { Injectable, Logger } from '@nestjs/common';
import type { CloudEvent, NamespaceDeletedV1 } from '@imagestreams/contracts';
import { SamplesReconciler } from '../samples/samples.reconciler';
import { TemplateInstanceRepository } from '../template-instances/template-instance.repository';
import { TemplateRepository } from '../templates/template.repository';

/**
 * `namespace.deleted`: the namespace's templates and template instances (with the objects
 * template-service stores for them) go, announced to watchers as DELETED. Not through the
 * instances' own deletion, which would ask the other owners to delete their objects: they hear of
 * the namespace's deletion themselves. Idempotent, and harmless to a namespace re-created since
 * (see NamespaceDeletedV1).
 */
@Injectable()
export class DeleteNamespaceContents {
  private readonly logger = new Logger('NamespaceDeletions');

  constructor(
    private readonly templates: TemplateRepository,
    private readonly instances: TemplateInstanceRepository,
    private readonly samples: SamplesReconciler,
  ) {}

  async execute(event: CloudEvent<NamespaceDeletedV1>): Promise<void> {
    const { namespace } = event.data;
    const instances = await this.instances.deleteCreatedBy(namespace, event.time);
    const templates = await this.templates.deleteCreatedBy(namespace, event.time);
    if (instances + templates > 0) this.logger.log(`namespace ${namespace} deleted: ${templates} template(s), ${instances} template instance(s) with it`);
    this.samples.namespaceDeleted(namespace);
  }
}
