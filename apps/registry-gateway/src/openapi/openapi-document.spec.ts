import type { OpenAPIObject, OperationObject, PathItemObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import request from 'supertest';
import { RouteCatalog, type ServedRoute } from '../http/route-catalog';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { buildOpenApiDocument } from './openapi-document';
import { undocumentedRules } from './request-schemas';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** `/apis/x/:name` as OpenAPI writes it: `/apis/x/{name}`. */
function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function operationOf(document: OpenAPIObject, route: ServedRoute): OperationObject | undefined {
  const item: PathItemObject | undefined = document.paths[openApiPath(route.path)];
  return item?.[route.method.toLowerCase() as 'get'];
}

/** Routes the gateway serves that the document does not describe, as `METHOD /path`. */
function undocumentedRoutes(routes: ServedRoute[], document: OpenAPIObject): string[] {
  return routes.filter((route) => operationOf(document, route) === undefined).map((route) => `${route.method} ${route.path}`);
}

function isApiPath(path: string): boolean {
  return /^\/apis?(\/|$)/.test(path);
}

function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.push(inner);
      else refsIn(inner, found);
    }
  }
  return found;
}

function resolves(document: OpenAPIObject, pointer: string): boolean {
  const [, section, name] = /^#\/components\/(schemas|responses)\/(.+)$/.exec(pointer) ?? [];
  return section !== undefined && document.components?.[section as 'schemas']?.[name] !== undefined;
}

describe('the OpenAPI document', () => {
  let gateway: TestGateway;
  let document: OpenAPIObject;
  let routes: ServedRoute[];

  beforeAll(async () => {
    gateway = await startTestGateway();
    const response = await request(gateway.http).get('/openapi.json');
    expect(response.status).toBe(200);
    document = response.body as OpenAPIObject;
    routes = gateway.app.get(RouteCatalog).served();
  });

  afterAll(async () => {
    await gateway.app.close();
  });

  it('is OpenAPI 3 and served at GET /openapi.json', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('imagestreams gateway');
  });

  it('describes every route the gateway serves (RouteCatalog, read from the controllers)', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(undocumentedRoutes(routes, document)).toEqual([]);
  });

  it('would name a route missing from the document', () => {
    const [first] = routes.filter((route) => route.path === '/apis/image.openshift.io/v1/namespaces/:namespace/imagestreams');
    const doctored: OpenAPIObject = { ...document, paths: { ...document.paths } };
    delete doctored.paths['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams'];

    expect(undocumentedRoutes(routes, doctored)).toContain(`${first.method} ${first.path}`);
  });

  it('gives every /api and /apis route a success answer with a schema, and the Status for failures', () => {
    const incomplete = routes
      .filter((route) => isApiPath(route.path))
      .filter((route) => {
        const operation = operationOf(document, route) as OperationObject;
        const success = Object.entries(operation.responses).find(([code]) => /^2\d\d$/.test(code))?.[1] as { content?: Record<string, { schema?: unknown }> } | undefined;
        return !success?.content?.['application/json']?.schema || !operation.responses['4XX'] || !operation.responses['5XX'] || !operation.summary;
      })
      .map((route) => `${route.method} ${route.path}`);

    expect(incomplete).toEqual([]);
  });

  it('documents the request body of every write', () => {
    const bodiless = routes
      .filter((route) => isApiPath(route.path) && WRITE_METHODS.has(route.method))
      .filter((route) => {
        const body = operationOf(document, route)?.requestBody as { content?: Record<string, { schema?: SchemaObject & Partial<ReferenceObject> }> } | undefined;
        const schema = Object.values(body?.content ?? {})[0]?.schema;
        return !schema || (schema.$ref === undefined && schema.type === undefined);
      })
      .map((route) => `${route.method} ${route.path}`);

    expect(bodiless).toEqual([]);
  });

  it('declares every path parameter of every operation', () => {
    const undeclared: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, OperationObject>)) {
        const declared = (operation.parameters ?? []).map((parameter) => (parameter as { name: string; in: string }).in === 'path' && (parameter as { name: string }).name);
        for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) if (!declared.includes(name)) undeclared.push(`${method.toUpperCase()} ${path}: ${name}`);
      }
    }

    expect(undeclared).toEqual([]);
  });

  it('resolves every reference', () => {
    const dangling = [...new Set(refsIn(document))].filter((pointer) => !resolves(document, pointer));

    expect(dangling).toEqual([]);
  });

  it('generates request schemas from the class-validator rules of the DTOs, nested classes included', () => {
    const schemas = document.components?.schemas as Record<string, SchemaObject>;
    const create = document.paths['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams'].post as OperationObject;

    expect(create.requestBody).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/ImageStreamInput' } } } });
    expect(schemas.ImageStreamInput).toMatchObject({
      type: 'object',
      required: ['metadata'],
      properties: {
        apiVersion: { type: 'string', enum: ['image.openshift.io/v1', 'v1'] },
        kind: { enum: ['ImageStream'] },
        metadata: { $ref: '#/components/schemas/ImageStreamMetaInput' },
        spec: { $ref: '#/components/schemas/ImageStreamSpecInput' },
      },
    });
    expect(schemas.ImageStreamSpecInput.properties?.tags).toEqual({ type: 'array', maxItems: 1000, items: { $ref: '#/components/schemas/TagReferenceInput' } });
    expect(schemas.ImageStreamInput.properties?.metadata).toEqual({ $ref: '#/components/schemas/ImageStreamMetaInput' });
    // Inherited rules (ObjectMetaInput) and the contracts' own (IsNamespaceName) come along.
    expect(schemas.NamespaceMetaInput).toMatchObject({ required: ['name'], properties: { name: { type: 'string', maxLength: 63 }, labels: { type: 'object' } } });
    expect(schemas.TagRollbackInput.properties?.revisionsBack).toEqual({ type: 'integer', minimum: 1, maximum: 10_000 });
    expect(schemas.SecretInput.properties?.type).toMatchObject({ enum: ['kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'] });
    // Required-ness is `required`, not class-validator-jsonschema's `not: {type: null}` (not OpenAPI 3.0).
    expect(JSON.stringify(schemas)).not.toContain('"null"');
  });

  it('describes every rule of the contracts met while generating', () => {
    expect(undocumentedRules()).toEqual([]);
  });

  it('leaves out validated classes no route takes (config, NATS commands)', () => {
    expect(Object.keys(document.components?.schemas ?? {})).not.toEqual(expect.arrayContaining(['RegistryGatewayConfig']));
    expect(document.components?.schemas).not.toHaveProperty('CreateImageStreamCommand');
  });

  it('documents failures as the Kubernetes Status', () => {
    const get = document.paths['/api/v1/namespaces/{name}'].get as OperationObject;

    expect(get.responses['4XX']).toEqual({ $ref: '#/components/responses/Status' });
    expect(document.components?.responses?.Status).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/Status' } } } });
    expect(document.components?.schemas?.Status).toMatchObject({
      properties: { kind: { enum: ['Status'] }, status: { enum: ['Success', 'Failure'] }, reason: { type: 'string' }, code: { type: 'integer' }, details: {} },
    });
  });

  it('documents list options and the watch stream on image stream lists', () => {
    const list = document.paths['/apis/image.openshift.io/v1/namespaces/{namespace}/imagestreams'].get as OperationObject;

    expect(list.parameters?.map((parameter) => (parameter as { name: string }).name)).toEqual(
      expect.arrayContaining(['namespace', 'labelSelector', 'limit', 'continue', 'watch', 'resourceVersion', 'timeoutSeconds']),
    );
    expect(list.responses['200']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ImageStreamList' } }, 'application/json;stream=watch': { schema: { $ref: '#/components/schemas/WatchEvent' } } },
    });
  });

  it('tags operations by group version', () => {
    const tagsOf = (path: string, method: 'get' | 'post') => (document.paths[path][method] as OperationObject).tags;

    expect(tagsOf('/api/v1/namespaces', 'get')).toEqual(['v1']);
    expect(tagsOf('/apis/image.openshift.io/v1/images', 'get')).toEqual(['image.openshift.io/v1']);
    expect(tagsOf('/apis/notifications.imagestreams.io/v1/namespaces/{namespace}/webhooksubscriptions', 'post')).toEqual(['notifications.imagestreams.io/v1']);
    expect(tagsOf('/apis/{group}/{version}', 'get')).toEqual(['discovery']);
  });

  it('documents the /v2 registry as one tag pointing at the OCI distribution spec, when it is mounted', () => {
    const withRegistry = buildOpenApiDocument(gateway.app, { registry: true });
    const tag = withRegistry.tags?.find((candidate) => candidate.name === 'registry (OCI distribution)');

    expect(tag?.externalDocs?.url).toMatch(/^https:\/\/github\.com\/opencontainers\/distribution-spec\//);
    expect(withRegistry.paths['/v2/{name}/manifests/{reference}'].put?.tags).toEqual([tag?.name]);
    expect(document.paths).not.toHaveProperty(['/v2/']);
  });

  it('serves Swagger UI at GET /openapi, with its assets from this server', async () => {
    const page = await request(gateway.http).get('/openapi');
    const init = await request(gateway.http).get('/openapi/swagger-ui-init.js');
    const bundle = await request(gateway.http).head('/openapi/swagger-ui-bundle.js');

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    expect(init.status).toBe(200);
    expect(bundle.status).toBe(200);
  });

  it('answers a wrong verb on the document with 405 and Allow, like any other route', async () => {
    const response = await request(gateway.http).delete('/openapi.json');

    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });
});
