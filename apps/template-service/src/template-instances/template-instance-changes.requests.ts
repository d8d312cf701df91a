import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { TemplateInstanceChangesQuery, TemplateInstanceRequests, type TemplateInstance, type TemplateInstanceChanges } from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { ResourceChangesReader, type WatchedTable } from '../watch/resource-changes.reader';
import { instanceView } from './instance-body';
import { TemplateInstanceRepository, type TemplateInstanceRow } from './template-instance.repository';

/** `?watch=true` on template instances: what changed after a resourceVersion, read from the change log. */
@Controller()
export class TemplateInstanceChangesRequests {
  private readonly table: WatchedTable<TemplateInstanceRow, TemplateInstance>;

  constructor(
    private readonly reader: ResourceChangesReader,
    instances: TemplateInstanceRepository,
  ) {
    this.table = { kind: 'TemplateInstance', byUids: (uids) => instances.byUids(uids), view: instanceView };
  }

  @OnRequest(TemplateInstanceRequests.changes)
  changes(@Payload() query: TemplateInstanceChangesQuery): Promise<TemplateInstanceChanges> {
    return this.reader.read(this.table, query);
  }
}
