import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication, NestExpressBodyParserOptions } from '@nestjs/platform-express';
import { AccessControl } from '../access/access-control';
import { apiAccessMiddleware } from '../access/api-access.middleware';
import { AuditLog } from '../access/audit/audit-log';
import { auditTrail } from '../access/audit/audit-trail.middleware';
import { serveOpenApi } from '../openapi/openapi-document';
import { registryRouter } from '../registry/http/registry-router';
import { isJsonRequest, requireJsonBodies } from './json-body';
import { rejectEscapedNul, rejectNulInUrl } from './nul-characters';
import { RouteCatalog } from './route-catalog';
import { StatusHttpFilter } from './status-http.filter';

export interface HttpEdgeOptions {
  maxBodyBytes: number;
  /** Mount the OCI registry at `/v2` (the app must include RegistryModule). */
  registry: boolean;
}

/**
 * Everything between the socket and the controllers, in order: the audit trail, the `/v2` registry,
 * access control of `/api` and `/apis`, the NUL gate, the media-type gate, the JSON parser with its
 * size limit (and the NUL gate for bodies), and the Status exception filter. main.ts and the specs
 * share it so the specs exercise the same wiring as production.
 */
export function configureHttpEdge(app: INestApplication, options: HttpEdgeOptions): void {
  const express = app as NestExpressApplication;
  // The framework is nobody's business and only helps fingerprinting.
  express.disable('x-powered-by');
  // ETags would hash every response body (a big image stream is over a megabyte) for a header no
  // Kubernetes client uses: resourceVersion is the API's version marker.
  express.set('etag', false);
  // First of all, so every answer is seen once it is finished, the registry's and the access check's included.
  const audit = optionalProvider(app, AuditLog);
  if (audit) app.use(auditTrail(audit));
  // Before the JSON gate and parser: registry bodies are blobs and manifests, streamed or read as bytes.
  if (options.registry) express.use('/v2', registryRouter(app));
  // `GET /openapi.json` and the Swagger UI at `/openapi` (reads only, before the JSON gate like the registry).
  serveOpenApi(app, { registry: options.registry });
  // Who is calling, and may they: before any body is read. Only a gateway with its database has
  // AccessModule; without it (the controller specs) `/api` and `/apis` are open.
  const access = optionalProvider(app, AccessControl);
  if (access) app.use(apiAccessMiddleware(access));
  app.use(rejectNulInUrl);
  app.use(requireJsonBodies);
  // Registered before init, so Nest sees a `jsonParser` in place and does not add its 100 kB default.
  express.useBodyParser<NestExpressBodyParserOptions>('json', { limit: options.maxBodyBytes, type: isJsonRequest, verify: rejectEscapedNul });
  app.useGlobalFilters(new StatusHttpFilter(app.getHttpAdapter(), app.get(RouteCatalog)));
}

/** A provider of an optional module (the audit trail comes with the database), or undefined without it. */
function optionalProvider<T>(app: INestApplication, type: new (...args: never[]) => T): T | undefined {
  try {
    return app.get(type, { strict: false });
  } catch {
    return undefined;
  }
}
