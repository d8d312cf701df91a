/**
 * Every failure the registry client reports on purpose extends {@link RegistryClientError}, so the
 * importer can map it to an OpenShift import status with `instanceof`. Messages never contain query
 * strings (storage redirects carry signatures there) nor credentials or tokens.
 */
export class RegistryClientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Untrusted input is echoed into messages, so keep it short and printable. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

/** The registry, repository, tag or digest given by the caller is not valid; nothing was sent. */
export class InvalidReferenceError extends RegistryClientError {
  constructor(
    readonly field: 'registry' | 'repository' | 'reference' | 'digest' | 'argument',
    readonly value: string,
    detail?: string,
  ) {
    super(`invalid ${field} ${quote(value)}${detail ? `: ${detail}` : ''}`);
  }
}

/** 404, `MANIFEST_UNKNOWN` or `NAME_UNKNOWN` for a manifest (or tag) request. */
export class ManifestNotFoundError extends RegistryClientError {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly reference: string,
    /** The registry's error code (`MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, ...) when it sent one. */
    readonly code?: string,
    message = `manifest ${quote(reference)} not found in ${registry}/${repository}${code ? ` (${code})` : ''}`,
  ) {
    super(message);
  }
}

/** The repository itself is unknown (`NAME_UNKNOWN`, or a 404 on the tag list). Also a {@link ManifestNotFoundError}. */
export class RepositoryNotFoundError extends ManifestNotFoundError {
  constructor(registry: string, repository: string, reference: string, code?: string) {
    super(registry, repository, reference, code, `repository ${registry}/${repository} not found${code ? ` (${code})` : ''}`);
  }
}

/** 404 / `BLOB_UNKNOWN` for a blob (image config). */
export class BlobNotFoundError extends RegistryClientError {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly digest: string,
    readonly code?: string,
  ) {
    super(`blob ${digest} not found in ${registry}/${repository}${code ? ` (${code})` : ''}`);
  }
}

/** 401/403 after authenticating (or when no usable challenge was offered). */
export class UnauthorizedError extends RegistryClientError {
  constructor(
    readonly registry: string,
    readonly status: number,
    /** Credentials were sent (to the registry or to its token realm) and were not accepted. */
    readonly badCredentials: boolean,
    detail?: string,
  ) {
    super(
      `${registry}: ${status === 403 ? 'access denied' : 'unauthorized'}${badCredentials ? ' (the credentials were rejected or lack access)' : ''}${
        detail ? `: ${detail}` : ''
      }`,
    );
  }
}

/** HTTPS failed at the TLS level, the registry answers plain HTTP, and the target is not marked insecure. */
export class HttpOnlyRegistryError extends RegistryClientError {
  constructor(
    readonly registry: string,
    options?: { cause?: unknown },
  ) {
    super(`${registry} does not speak HTTPS but answers plain HTTP; mark the registry insecure to use it`, options);
  }
}

/** A connection (registry, redirect target or token realm) would reach an address the policy refuses. Nothing was sent. */
export class RefusedAddressError extends RegistryClientError {
  readonly code = 'ERR_REGISTRY_REFUSED_ADDRESS';
  constructor(
    readonly host: string,
    /** The refused addresses (the literal itself, or everything the host name resolved to). */
    readonly addresses: string[],
    readonly reason: string,
  ) {
    super(`refusing to connect to ${host}${addresses.length && addresses[0] !== host ? ` (${addresses.join(', ')})` : ''}: ${reason}`);
  }
}

/** 429 that outlasted the retries, or whose `Retry-After` exceeds what one call waits. */
export class RateLimitedError extends RegistryClientError {
  constructor(
    readonly registry: string,
    /** How long the registry asked to wait (or the client's backoff estimate when it did not say). */
    readonly retryAfterMs: number,
  ) {
    super(`${registry} is rate limiting requests; retry after ${Math.ceil(retryAfterMs / 1000)} s`);
  }
}

/** No complete answer (headers and body) within `timeoutMs`; for a blob streamed to a sink, no headers within it or a body idle that long. */
export class RegistryTimeoutError extends RegistryClientError {
  constructor(
    /** `origin + path` of the request that timed out, without the query. */
    readonly url: string,
    readonly timeoutMs: number,
    options?: { cause?: unknown },
  ) {
    super(`${url}: no complete response within ${timeoutMs} ms`, options);
  }
}

/** Garbage from the registry: invalid JSON, oversize body, digest mismatch, missing or contradictory headers, bad redirects. */
export class InvalidRegistryResponseError extends RegistryClientError {
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`${url}: invalid registry response: ${reason}`);
  }
}

/** A status the operation does not expect (including 5xx once the retries are spent). */
export class RegistryHttpError extends RegistryClientError {
  constructor(
    readonly url: string,
    readonly status: number,
    /** The first registry error code of the body, when it had one. */
    readonly code?: string,
    detail?: string,
  ) {
    super(`${url}: HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${quote(detail)}` : ''}`);
  }
}

/** The connection failed (refused, reset, DNS, TLS) and kept failing through the retries. */
export class RegistryConnectionError extends RegistryClientError {
  constructor(
    /** Origin of the connection that failed. */
    readonly origin: string,
    /** The Node/undici error code (`ECONNREFUSED`, `ERR_SSL_WRONG_VERSION_NUMBER`, `ENOTFOUND`, ...). */
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`${origin}: connection failed${code ? ` (${code})` : ''}`, options);
  }
}

/** The client was closed; calls in flight are aborted and new ones are refused. */
export class RegistryClientClosedError extends RegistryClientError {
  constructor() {
    super('the registry client is closed');
  }
}
