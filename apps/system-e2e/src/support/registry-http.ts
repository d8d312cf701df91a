import { gatewayUrl } from './api';

/** One raw call to the gateway's `/v2` registry, for tests that look at statuses and OCI error codes. */
export interface RegistryReply {
  status: number;
  headers: Headers;
  body: string;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function v2(method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: Buffer): Promise<RegistryReply> {
  const response = await fetch(`${gatewayUrl()}/v2/${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : new Uint8Array(body), redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** The first OCI error code of a failed registry reply (`DENIED`, `MANIFEST_UNKNOWN`, ...). */
export function ociErrorCode(reply: RegistryReply): string | undefined {
  try {
    return (JSON.parse(reply.body) as { errors?: { code: string }[] }).errors?.[0]?.code;
  } catch {
    return undefined;
  }
}
