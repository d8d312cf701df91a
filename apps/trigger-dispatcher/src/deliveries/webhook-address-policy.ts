import { CompiledAddressPolicy, createPolicyConnector } from '@imagestreams/platform-registry-client';
import { Agent } from 'undici';
import type { TriggerDispatcherConfig } from '../trigger-dispatcher.config';

/** Where webhooks may go; the same policy the importer applies to registries (SSRF guard). */
export function webhookAddressPolicy(config: TriggerDispatcherConfig): CompiledAddressPolicy {
  return new CompiledAddressPolicy({
    allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE,
    allowedCidrs: config.WEBHOOK_ALLOWED_CIDRS.split(',').map((cidr) => cidr.trim()).filter(Boolean),
  });
}

/**
 * The HTTP agent every webhook goes through: each connection's address is checked when the socket
 * connects (after DNS, so a name that later resolves to a refused address is still refused).
 */
export function webhookDispatcher(policy: CompiledAddressPolicy): Agent {
  return new Agent({ connect: createPolicyConnector(policy, { timeout: 10_000 }) });
}

/**
 * Why a subscription URL is refused up front, when its host is an address literal (or `localhost`)
 * the policy forbids; host names are checked again at connect time whatever they resolve to.
 */
export function webhookUrlRefusal(policy: CompiledAddressPolicy, url: string): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return 'not a valid URL';
  }
  const literal = host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : host;
  const refusal = /^[\d.]+$|^\[.*\]$|:/.test(literal) ? policy.refusal(literal) : undefined;
  return refusal ? `${host}: ${refusal}` : undefined;
}
