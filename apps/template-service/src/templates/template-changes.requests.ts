import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TemplateChangesQuery, TemplateRequests, type Template, type TemplateChanges } from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { ResourceChangesReader, type WatchedTable } from '../watch/resource-changes.reader';
import { templateView } from './template-body';
import { TemplateRepository, type TemplateRow } from './template.repository';

/** `?watch=true` on templates: what changed after a resourceVersion, read from the change log. */
@Controller()
export class TemplateChangesRequests {
  private readonly table: WatchedTable<TemplateRow, Template>;

  constructor(
    private readonly reader: ResourceChangesReader,
    templates: TemplateRepository,
  ) {
    this.table = { kind: 'Template', byUids: (uids) => templates.byUids(uids), view: templateView };
  }

  @OnRequest(TemplateRequests.changes)
  changes(@Payload() query: TemplateChangesQuery): Promise<TemplateChanges> {
    return this.reader.read(this.table, query);
  }
}
