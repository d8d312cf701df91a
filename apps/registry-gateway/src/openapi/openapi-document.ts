import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type PathItemObject, type SchemaObject } from '@nestjs/swagger';
import { SERVER_GIT_VERSION } from '../discovery/server-version';
import { RouteCatalog } from '../http/route-catalog';
import { referencedSchemas, requestSchemas } from './request-schemas';
import { ref, RESPONSE_SCHEMAS } from './response-schemas';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const OPENAPI_UI_PATH = '/openapi';

export interface OpenApiOptions {
  /** Whether `/v2` is mounted (the registry is documented by reference to the OCI specification). */
  registry: boolean;
}

const OCI_DISTRIBUTION_SPEC = 'https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md';
const REGISTRY_TAG = 'registry (OCI distribution)';
const DISCOVERY_TAG = 'discovery';
const SERVICE_TAG = 'service';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The tag of an `/api` or `/apis` path: its group version, as Kubernetes groups its own documents. */
function tagOf(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments[0] === 'api' && segments.length >= 3) return segments[1];
  if (segments[0] === 'apis' && segments.length >= 4 && !segments[1].startsWith('{')) return `${segments[1]}/${segments[2]}`;
  if (segments[0] === 'api' || segments[0] === 'apis' || segments[0] === 'version') return DISCOVERY_TAG;
  return SERVICE_TAG;
}

/** Paths whose failures are Kubernetes Status objects (the StatusHttpFilter's territory). */
function answersStatus(path: string): boolean {
  return path === '/api' || path.startsWith('/api/') || path === '/apis' || path.startsWith('/apis/') || path === '/version';
}

/** A handler may ignore a path segment (`imagestreams/{name}/secrets` does not read `name`); OpenAPI still wants it declared. */
function declarePathParameters(path: string, operation: OperationObject): void {
  const declared = new Set((operation.parameters ?? []).map((parameter) => ('in' in parameter && parameter.in === 'path' ? parameter.name : '')));
  for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
    if (!declared.has(name)) operation.parameters = [...(operation.parameters ?? []), { name, in: 'path', required: true, schema: { type: 'string' } }];
  }
}

function operations(item: PathItemObject): OperationObject[] {
  return HTTP_METHODS.map((method) => item[method]).filter((operation): operation is OperationObject => operation !== undefined);
}

/** One summary-only operation per registry route: the OCI specification is the reference. */
function registryPaths(): Record<string, PathItemObject> {
  const operation = (summary: string): OperationObject => ({
    tags: [REGISTRY_TAG],
    summary,
    externalDocs: { description: 'OCI Distribution Specification v1.1', url: OCI_DISTRIBUTION_SPEC },
    responses: { default: { description: 'as the OCI Distribution Specification says; failures are OCI error bodies ({"errors":[{"code","message","detail"}]})' } },
  });
  const name = { name: 'name', in: 'path' as const, required: true, description: 'the repository: <namespace>/<stream>', schema: { type: 'string' } };
  const reference = { name: 'reference', in: 'path' as const, required: true, description: 'a tag or a digest', schema: { type: 'string' } };
  const digest = { name: 'digest', in: 'path' as const, required: true, schema: { type: 'string' } };
  const id = { name: 'id', in: 'path' as const, required: true, description: 'the upload id', schema: { type: 'string' } };
  return {
    '/v2/': { get: operation('API version check'), head: operation('API version check') },
    '/v2/_catalog': { get: operation('repositories, paged with n/last and Link') },
    '/v2/token': {
      get: operation('a short-lived registry token (Docker token authentication): ?scope=repository:<ns>/<stream>:pull,push; Basic or Bearer access token, or none for anonymous'),
      post: operation('the same as an OAuth2 password grant (grant_type=password, password = an access token)'),
    },
    '/v2/{name}/manifests/{reference}': {
      parameters: [name, reference],
      get: operation('a manifest (OCI image manifest or index, Docker schema 2 manifest or list)'),
      head: operation('whether a manifest exists, with its digest and size'),
      put: operation('push a manifest; by tag it moves the image stream tag (201 once committed)'),
      delete: operation('by tag removes the tag; by digest the manifest and the tags at it'),
    },
    '/v2/{name}/blobs/{digest}': {
      parameters: [name, digest],
      get: operation('a blob, with single Range requests (206)'),
      head: operation('whether a blob exists, with its size'),
      delete: operation('remove a blob from the repository'),
    },
    '/v2/{name}/blobs/uploads/': { parameters: [name], post: operation('start an upload; ?digest= uploads in one request, ?mount=&from= mounts from another repository') },
    '/v2/{name}/blobs/uploads/{id}': {
      parameters: [name, id],
      get: operation('upload status'),
      patch: operation('upload a chunk (Content-Range; out of order is 416)'),
      put: operation('finish the upload with ?digest='),
      delete: operation('cancel the upload'),
    },
    '/v2/{name}/tags/list': { parameters: [name], get: operation('tags of the image stream, paged with n/last and Link') },
    '/v2/{name}/referrers/{digest}': { parameters: [name, digest], get: operation('the referrers API, with artifactType filtering') },
  };
}

/** The document and its browsable page, mounted outside the controllers. */
function selfPaths(): Record<string, PathItemObject> {
  return {
    [OPENAPI_JSON_PATH]: {
      get: {
        tags: [SERVICE_TAG],
        summary: 'this OpenAPI 3 document',
        responses: { '200': { description: 'OpenAPI 3.0', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
    [OPENAPI_UI_PATH]: {
      get: { tags: [SERVICE_TAG], summary: 'Swagger UI over this document', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } },
    },
  };
}

/**
 * The OpenAPI 3 document of the gateway, generated from the controllers (routes, parameters and
 * their `@ApiDoc`), the contract DTOs (request schemas) and response-schemas.ts, then completed
 * with what is the same for every route: tags by group version, the Status error answers, and the
 * routes served outside Nest (`/v2`, this document).
 */
export function buildOpenApiDocument(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('imagestreams gateway')
    .setDescription(
      'OpenShift image streams and webhook subscriptions as a Kubernetes-style API (`/api`, `/apis`), with Kubernetes discovery, ' +
        'and an OCI registry under `/v2`. Every failure of `/api` and `/apis` is a Kubernetes `Status` whose `code` is the HTTP status.',
    )
    .setVersion(SERVER_GIT_VERSION)
    .addTag(DISCOVERY_TAG, 'Kubernetes discovery: what kubectl reads to map kinds and short names to resources')
    .addTag('v1', 'core group: namespaces and registry Secrets')
    .addTag('image.openshift.io/v1', 'OpenShift image streams, tags, images and imports')
    .addTag('notifications.imagestreams.io/v1', 'webhook subscriptions and their deliveries')
    .addTag('imagestreams.io/v1', 'push notifications from registries');
  if (options.registry) {
    builder.addTag(REGISTRY_TAG, 'The integrated registry, `<namespace>/<stream>` repositories. It implements the OCI Distribution Specification v1.1, which is its reference.', {
      description: 'OCI Distribution Specification v1.1',
      url: OCI_DISTRIBUTION_SPEC,
    });
  }
  builder.addTag(SERVICE_TAG, 'health and this document');
  const document = SwaggerModule.createDocument(app, builder.build(), {
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
    // Tags are group versions (below), not controller class names.
    autoTagControllers: false,
  });

  // Swagger leaves an empty placeholder for each `@ApiDoc({ body: Class })`: fill them (and what they nest) from
  // class-validator, with the DTOs responses embed (an ImageStreamImport's spec).
  const schemas: Record<string, unknown> = { ...document.components?.schemas };
  Object.assign(schemas, requestSchemas([...Object.keys(schemas), ...referencedSchemas(RESPONSE_SCHEMAS)]), RESPONSE_SCHEMAS);
  document.components = {
    ...document.components,
    schemas: schemas as Record<string, SchemaObject>,
    responses: {
      ...document.components?.responses,
      Status: { description: 'a Kubernetes Status (`reason` says why, `details.causes` which fields)', content: { 'application/json': { schema: ref('Status') } } },
    },
  };

  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of operations(item)) {
      if (!operation.tags?.length) operation.tags = [tagOf(path)];
      declarePathParameters(path, operation);
      if (answersStatus(path)) operation.responses = { ...operation.responses, '4XX': { $ref: '#/components/responses/Status' }, '5XX': { $ref: '#/components/responses/Status' } };
    }
  }
  Object.assign(document.paths, selfPaths(), options.registry ? registryPaths() : {});
  return document;
}

/**
 * `GET /openapi.json` and the Swagger UI at `GET /openapi` (its assets from swagger-ui-dist, served
 * locally). The document is built on first request, once every module is initialized. Both routes are
 * declared to RouteCatalog so a wrong verb on them is 405 like anywhere else.
 */
export function serveOpenApi(app: INestApplication, options: OpenApiOptions): void {
  // SwaggerModule builds the document from this factory once, on first request.
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app, options), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'imagestreams gateway API',
  });
  const catalog = app.get(RouteCatalog);
  catalog.addExternal('GET', OPENAPI_JSON_PATH);
  catalog.addExternal('GET', OPENAPI_UI_PATH);
}
