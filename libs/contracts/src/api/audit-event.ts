import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ResourceRef } from './status';

/** The gateway's audit trail (`access.imagestreams.io/v1`): mutating requests and every 401/403. */
const AUDIT_API_GROUP = 'access.imagestreams.io';
export const AUDIT_API_VERSION = `${AUDIT_API_GROUP}/v1`;

export const AuditEventResource: ResourceRef = { resource: 'auditevents', group: AUDIT_API_GROUP, kind: 'AuditEvent' };

export const DEFAULT_AUDIT_EVENT_LIMIT = 500;
export const MAX_AUDIT_EVENT_LIMIT = 5000;

/** What the request was about; only for `/api`, `/apis` resource requests and registry repositories. */
export interface AuditObjectRef {
  apiGroup?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

export interface AuditEvent {
  kind: 'AuditEvent';
  apiVersion: typeof AUDIT_API_VERSION;
  /** Increases with every recorded event. */
  id: string;
  /** When the response finished (RFC 3339, milliseconds). */
  time: string;
  /** Empty username: the request carried credentials that were refused (401), so nobody is known. */
  user: { username: string; groups: string[] };
  verb: string;
  objectRef?: AuditObjectRef;
  method: string;
  /** Without the query string. */
  path: string;
  code: number;
  sourceIP?: string;
  userAgent?: string;
}

export interface AuditEventList {
  kind: 'AuditEventList';
  apiVersion: typeof AUDIT_API_VERSION;
  metadata: { continue?: string };
  items: AuditEvent[];
}

/** `GET .../auditevents` query: every filter is exact, `since` is inclusive. */
export class AuditEventQuery {
  @IsOptional()
  @IsString()
  @MaxLength(512)
  user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(63)
  namespace?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  verb?: string;

  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'must be an RFC 3339 time, e.g. 2026-01-02T15:04:05Z' })
  since?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_EVENT_LIMIT)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  continue?: string;
}
