import { adminToken, api, gatewayUrl } from './api';

/**
 * Imports from this stack's own `/v2` need credentials like imports from any private registry:
 * the importing namespace gets a `kubernetes.io/dockerconfigjson` pull secret for the gateway's
 * host, holding an access token as the password (any user name goes, as with `skopeo login`).
 * That is what a user does; the importer then logs in through the registry's token realm.
 */
export async function createGatewayPullSecret(namespace: string, options: { token?: string; name?: string } = {}): Promise<void> {
  const host = new URL(gatewayUrl()).host;
  const auth = Buffer.from(`admin:${options.token ?? adminToken()}`).toString('base64');
  const name = options.name ?? 'gateway-pull';
  const created = await api('POST', `/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [host]: { auth } } })).toString('base64') },
  });
  if (created.status !== 201) throw new Error(`pull secret ${namespace}/${name} not created: ${created.status} ${JSON.stringify(created.body)}`);
}
