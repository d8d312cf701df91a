import { Controller, Get, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { AUDIT_API_VERSION, AuditEventQuery, DEFAULT_AUDIT_EVENT_LIMIT, MAX_AUDIT_EVENT_LIMIT, Statuses, StatusError, validatePayload, type AuditEventList } from '@imagestreams/contracts';
import { ApiDoc } from '../../openapi/api-docs';
import { AuditEventsRepository } from './audit-events.repository';
import { decodeAuditContinue, encodeAuditContinue } from './audit-page';

const FILTERS: { name: string; description: string; type?: string }[] = [
  { name: 'user', description: 'exact username (`system:serviceaccount:<ns>:<name>` for service accounts)' },
  { name: 'namespace', description: 'exact namespace of the object acted on' },
  { name: 'verb', description: 'get, list, create, update, patch, delete, ...' },
  { name: 'since', description: 'RFC 3339 time; events at or after it' },
  { name: 'limit', description: `page size, ${DEFAULT_AUDIT_EVENT_LIMIT} by default, at most ${MAX_AUDIT_EVENT_LIMIT}`, type: 'integer' },
  { name: 'continue', description: 'the `metadata.continue` of the previous page' },
];

/**
 * The audit trail, newest first. Who may read it is RBAC's business (`list auditevents` in
 * `access.imagestreams.io`, checked before this runs), like any other resource.
 */
@Controller('apis/access.imagestreams.io/v1/auditevents')
export class AuditEventsController {
  constructor(private readonly events: AuditEventsRepository) {}

  @Get()
  @ApiDoc({ summary: 'recorded requests (writes, 401s and 403s), newest first; filter by user, namespace, verb, since', returns: 'AuditEventList' })
  @FilterParameters()
  async list(@Query() query: Record<string, unknown>): Promise<AuditEventList> {
    const result = validatePayload(AuditEventQuery, query);
    if (!result.ok) throw new StatusError(Statuses.badRequest(`invalid query: ${result.causes.map((cause) => `${cause.field}: ${cause.message}`).join(', ')}`, result.causes));
    const { user, namespace, verb, since, limit, continue: token } = result.value;
    const page = await this.events.list({
      user,
      namespace,
      verb,
      ...(since ? { since: new Date(since) } : {}),
      ...(token ? { after: decodeAuditContinue(token) } : {}),
      limit: limit ?? DEFAULT_AUDIT_EVENT_LIMIT,
    });
    return { kind: 'AuditEventList', apiVersion: AUDIT_API_VERSION, metadata: page.last ? { continue: encodeAuditContinue(page.last) } : {}, items: page.items };
  }
}

function FilterParameters(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const filter of FILTERS) ApiQuery({ name: filter.name, required: false, type: filter.type ?? 'string', description: filter.description })(target, key, descriptor);
  };
}
