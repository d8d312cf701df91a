/**
 * The Kubernetes `Status` object: the one error shape on `/apis`, and the error body of every
 * NATS request, so an owner's error reaches the HTTP client without translation.
 */
export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'UnsupportedMediaType'
  | 'RequestEntityTooLarge'
  | 'ServiceUnavailable'
  | 'Timeout'
  | 'Expired'
  | 'InternalError';

export type CauseType =
  | 'FieldValueInvalid'
  | 'FieldValueRequired'
  | 'FieldValueNotFound'
  | 'FieldValueForbidden'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueTooLong'
  | 'InternalError';

export interface StatusCause {
  reason: CauseType;
  message: string;
  field: string;
}

export interface StatusDetails {
  name?: string;
  uid?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status' && typeof (value as { code?: unknown }).code === 'number';
}

export function successStatus(code = 201, details?: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code, ...(details ? { details } : {}) };
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** A resource as Kubernetes names it in messages: `imagestreams.image.openshift.io`. */
export interface ResourceRef {
  /** Plural resource name, e.g. `imagestreams`. */
  resource: string;
  /** API group; empty for the core group. */
  group: string;
  /** Kind, used in Invalid messages, e.g. `ImageStream`. */
  kind: string;
}

function qualified(ref: ResourceRef): string {
  return ref.group ? `${ref.resource}.${ref.group}` : ref.resource;
}

export const Statuses = {
  notFound: (ref: ResourceRef, name: string): Status =>
    failure(404, 'NotFound', `${qualified(ref)} "${name}" not found`, { name, group: ref.group, kind: ref.resource }),
  alreadyExists: (ref: ResourceRef, name: string): Status =>
    failure(409, 'AlreadyExists', `${qualified(ref)} "${name}" already exists`, { name, group: ref.group, kind: ref.resource }),
  conflict: (ref: ResourceRef, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): Status =>
    failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(ref)} "${name}": ${why}`, { name, group: ref.group, kind: ref.resource }),
  invalid: (ref: ResourceRef, name: string, causes: StatusCause[]): Status =>
    failure(
      422,
      'Invalid',
      `${ref.kind}${ref.group ? '.' + ref.group : ''} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`,
      { name, group: ref.group, kind: ref.kind, causes },
    ),
  badRequest: (message: string, causes?: StatusCause[]): Status => failure(400, 'BadRequest', message, causes ? { causes } : undefined),
  unsupportedMediaType: (message: string): Status => failure(415, 'UnsupportedMediaType', message),
  tooLarge: (message: string): Status => failure(413, 'RequestEntityTooLarge', message),
  methodNotAllowed: (message: string): Status => failure(405, 'MethodNotAllowed', message),
  serviceUnavailable: (message: string, retryAfterSeconds = 1): Status => failure(503, 'ServiceUnavailable', message, { retryAfterSeconds }),
  timeout: (message: string, retryAfterSeconds = 2): Status => failure(504, 'Timeout', message, { retryAfterSeconds }),
  internal: (message = 'Internal error occurred'): Status => failure(500, 'InternalError', message),
  expired: (message: string): Status => failure(410, 'Expired', message),
  /** No acceptable credentials: a malformed, unknown, expired or revoked token, or anonymous and denied. */
  unauthorized: (message = 'Unauthorized'): Status => failure(401, 'Unauthorized', message),
  /** An authenticated caller denied by RBAC; `details` name the resource (kind = the plural resource, as Kubernetes does). */
  forbidden: (message: string, details?: StatusDetails): Status => failure(403, 'Forbidden', message, details),
};

/** Thrown by owners (use cases, request handlers) to answer with a specific Status. */
export class StatusError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? status.reason ?? 'status error');
    this.name = 'StatusError';
  }
}
