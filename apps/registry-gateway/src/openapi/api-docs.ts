import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiQuery, ApiResponse, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import type { ClassType } from '@imagestreams/contracts';
import { ref, type ResponseSchemaName } from './response-schemas';

/** What one route documents. Errors (Kubernetes `Status`) and tags are added for every route by openapi-document.ts. */
export interface ApiDocOptions {
  summary: string;
  description?: string;
  /** The contract class `validBody` checks (its schema is generated from its decorators), or a schema for free-form bodies. */
  body?: ClassType<object> | SchemaObject;
  /** Request media types, when not just `application/json`. */
  consumes?: string[];
  /** The success status (200 unless the route says otherwise with `@HttpCode`). */
  status?: number;
  returns: ResponseSchemaName;
  /** Kubernetes list options the route reads: `selector` (labelSelector), `paging` (limit/continue), `watch`. */
  query?: ('selector' | 'paging' | 'watch')[];
}

const QUERY_PARAMETERS = {
  selector: [{ name: 'labelSelector', description: 'Kubernetes label selector, e.g. `team=a,tier!=db`' }],
  paging: [
    { name: 'limit', type: 'integer', description: 'page size (1-10000); the answer carries `metadata.continue` when more remain' },
    { name: 'continue', description: 'the `metadata.continue` of the previous page' },
  ],
  watch: [
    { name: 'watch', type: 'boolean', description: 'stream changes as newline-delimited WatchEvent objects (`application/json;stream=watch`) instead of answering a list' },
    { name: 'resourceVersion', description: 'with watch: resume after this version (410 Expired when too old); without it the watch starts with ADDED for every object' },
    { name: 'timeoutSeconds', type: 'integer', description: 'with watch: end the watch after this long (default 1800, at most 3600)' },
  ],
} as const;

function isClass(body: ApiDocOptions['body']): body is ClassType<object> {
  return typeof body === 'function';
}

/** One decorator per route: summary, request body, list parameters and the success answer. */
export function ApiDoc(options: ApiDocOptions): MethodDecorator {
  const decorators: MethodDecorator[] = [ApiOperation({ summary: options.summary, ...(options.description ? { description: options.description } : {}) })];
  if (options.body) decorators.push(isClass(options.body) ? ApiBody({ type: options.body }) : ApiBody({ schema: options.body }));
  if (options.consumes) decorators.push(ApiConsumes(...options.consumes));
  for (const group of options.query ?? []) {
    for (const parameter of QUERY_PARAMETERS[group]) {
      decorators.push(ApiQuery({ name: parameter.name, required: false, type: 'type' in parameter ? parameter.type : 'string', description: parameter.description }));
    }
  }
  const content: Record<string, { schema: SchemaObject | ReferenceObject }> = { 'application/json': { schema: ref(options.returns) } };
  if (options.query?.includes('watch')) content['application/json;stream=watch'] = { schema: ref('WatchEvent') };
  decorators.push(ApiResponse({ status: options.status ?? 200, description: options.returns, content }));
  return applyDecorators(...decorators);
}
