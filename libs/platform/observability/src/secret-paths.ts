/**
 * Two kinds of URL carry their credential in the path (OpenShift's inbound build webhooks and the
 * registry notification endpoints): logs and the audit trail keep where a call went, never the secret.
 */
const SECRET_IN_PATH = [/(\/buildconfigs\/[^/?]+\/webhooks\/)[^/?]+/i, /(\/registrynotifications\/[^/?]+\/)[^/?]+/i];

export const REDACTED_SEGMENT = '[redacted]';

export function redactSecretPath(url: string): string {
  return SECRET_IN_PATH.reduce((redacted, pattern) => redacted.replace(pattern, `$1${REDACTED_SEGMENT}`), url);
}
