import { randomBytes } from 'node:crypto';

export function gatewayUrl(): string {
  const url = process.env['E2E_GATEWAY_URL'];
  if (!url) throw new Error('E2E_GATEWAY_URL is not set: run through the system-e2e Jest config (global setup starts the stack)');
  return url;
}

/** The bootstrap admin's access token (cluster-admin), which global setup gave the stack. */
export function adminToken(): string {
  const token = process.env['E2E_ADMIN_TOKEN'];
  if (!token) throw new Error('E2E_ADMIN_TOKEN is not set: run through the system-e2e Jest config (global setup starts the stack)');
  return token;
}

/**
 * `Authorization: Bearer <token>` for the gateway: the admin's token by default, another caller's
 * when given, none at all for `null` (an anonymous caller).
 */
export function authHeaders(token?: string | null): Record<string, string> {
  if (token === null) return {};
  return { authorization: `Bearer ${token ?? adminToken()}` };
}

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

/**
 * JSON over real HTTP to the gateway, as the admin unless `token` names another caller (`null`:
 * anonymous). `rawBody` sends bytes as they are (for malformed-input tests).
 */
export async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  options: { rawBody?: string; contentType?: string; token?: string | null } = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${gatewayUrl()}${path}`, {
    method,
    headers: {
      ...authHeaders(options.token),
      ...(body === undefined && options.rawBody === undefined ? {} : { 'content-type': options.contentType ?? 'application/json' }),
    },
    body: options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function controlStack(service: string, action: 'kill' | 'stop' | 'start'): Promise<void> {
  const response = await fetch(`${process.env['E2E_CONTROL_URL']}/services/${service}/${action}`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`${action} ${service} failed: ${response.status} ${await response.text()}`);
}

/** Each suite works in its own namespace, so suites never see each other's streams or events. */
export async function createTestNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  const created = await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  if (created.status !== 201) throw new Error(`namespace ${name} not created: ${created.status} ${JSON.stringify(created.body)}`);
  return name;
}

export function randomDigest(): string {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

export function mapping(stream: string, tag: string, digest: string) {
  return { apiVersion: 'image.openshift.io/v1', kind: 'ImageStreamMapping', metadata: { name: stream }, image: { metadata: { name: digest } }, tag };
}

export async function createSubscription(namespace: string, name: string, spec: Record<string, unknown>): Promise<{ signingSecret: string; body: Record<string, unknown> }> {
  const created = await api<{ status: { signingSecret: string } }>('POST', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions`, {
    apiVersion: 'notifications.imagestreams.io/v1',
    kind: 'WebhookSubscription',
    metadata: { name },
    spec,
  });
  if (created.status !== 201) throw new Error(`subscription not created: ${created.status} ${JSON.stringify(created.body)}`);
  return { signingSecret: created.body.status.signingSecret, body: created.body as unknown as Record<string, unknown> };
}
