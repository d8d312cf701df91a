import type { IncomingMessage, ServerResponse } from 'node:http';
import { Statuses, StatusError } from '@imagestreams/contracts';

/**
 * JSON, JSON merge patches (RFC 7386) for PATCH, and the JSON of registry notifications (CNCF
 * distribution's envelope type); YAML can join this list later.
 */
export const ACCEPTED_MEDIA_TYPES: readonly string[] = ['application/json', 'application/merge-patch+json', 'application/vnd.docker.distribution.events.v1+json'];

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const BUILD_WEBHOOK_PATH = /^\/apis\/build\.openshift\.io\/v1\/namespaces\/[^/]+\/buildconfigs\/[^/]+\/webhooks\//;

/** Media type without parameters (`application/json; charset=utf-8` is JSON too). */
export function isJsonRequest(request: IncomingMessage): boolean {
  const header = request.headers['content-type'];
  if (!header) return false;
  return ACCEPTED_MEDIA_TYPES.includes(header.split(';', 1)[0].trim().toLowerCase());
}

/** A body is on the wire when it is chunked or has a non-zero length. */
function carriesBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Answers 415 before any parser runs: without this gate a form or text body would be skipped by the
 * JSON parser and reach the controllers as "no body", which reads as a validation error instead of
 * telling the client its format is wrong. A write that declares a non-JSON type is refused even
 * when empty, because the client clearly meant to send that format.
 */
export function requireJsonBodies(request: IncomingMessage, _response: ServerResponse, next: (error?: unknown) => void): void {
  // OpenShift's generic build webhook takes any payload type: an unreadable one is ignored with a
  // warning and the build still starts, so those bodies pass unparsed (the owner applies the rule).
  if (BUILD_WEBHOOK_PATH.test(request.url ?? '')) return next();
  const declaresBody = carriesBody(request) || (WRITE_METHODS.has(request.method ?? '') && request.headers['content-type'] !== undefined);
  if (declaresBody && !isJsonRequest(request)) {
    next(
      new StatusError(
        Statuses.unsupportedMediaType(`the body of the request was in an unknown format - accepted media types include: ${ACCEPTED_MEDIA_TYPES.join(', ')}`),
      ),
    );
    return;
  }
  next();
}
