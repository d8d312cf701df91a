import { Statuses, StatusError } from '@imagestreams/contracts';

/** Where a page of audit events (newest first) ended: the last event's time and id. */
export interface AuditPosition {
  at: string;
  id: string;
}

export function encodeAuditContinue(position: AuditPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/** A token this server did not make is a malformed request, as in Kubernetes. */
export function decodeAuditContinue(token: string): AuditPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2) {
    const [at, id] = parsed as unknown[];
    if (typeof at === 'string' && !Number.isNaN(Date.parse(at)) && typeof id === 'string' && /^\d{1,19}$/.test(id)) return { at, id };
  }
  throw new StatusError(Statuses.badRequest('the continue token is not valid'));
}
