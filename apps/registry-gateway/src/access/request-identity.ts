import { ANONYMOUS, type Identity } from '@imagestreams/domain-access';
import type { IncomingMessage } from 'node:http';

/**
 * Who a request was authenticated as, kept beside the request rather than on it: a WeakMap cannot
 * be set by anything reading the request's own properties, and it goes when the request goes.
 */
const identities = new WeakMap<IncomingMessage, Identity>();

/** Undefined when no access check ran (a gateway without AccessModule, or a path the check lets through). */
export function requestIdentity(request: IncomingMessage): Identity | undefined {
  return identities.get(request);
}

export function setRequestIdentity(request: IncomingMessage, identity: Identity): void {
  identities.set(request, identity);
}

/** For controllers behind the access check, which always sets one; a request it let through unchecked is nobody. */
export function callerOf(request: IncomingMessage): Identity {
  return identities.get(request) ?? ANONYMOUS;
}
