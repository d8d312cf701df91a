/**
 * The error codes a registry answers with. The first fourteen are the distribution spec's own;
 * RANGE_INVALID and PAGINATION_NUMBER_INVALID are extras that the reference implementation
 * (distribution) also uses, because the spec has no code for a bad `Range` or a bad `n`.
 */
export type OciErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNSUPPORTED'
  | 'TOOMANYREQUESTS'
  | 'RANGE_INVALID'
  | 'PAGINATION_NUMBER_INVALID';

/** The HTTP status each code is answered with unless a particular error says otherwise. */
export const DEFAULT_OCI_ERROR_STATUS: Readonly<Record<OciErrorCode, number>> = {
  BLOB_UNKNOWN: 404,
  BLOB_UPLOAD_INVALID: 400,
  BLOB_UPLOAD_UNKNOWN: 404,
  DIGEST_INVALID: 400,
  MANIFEST_BLOB_UNKNOWN: 400,
  MANIFEST_INVALID: 400,
  MANIFEST_UNKNOWN: 404,
  NAME_INVALID: 400,
  NAME_UNKNOWN: 404,
  SIZE_INVALID: 400,
  UNAUTHORIZED: 401,
  DENIED: 403,
  UNSUPPORTED: 405,
  TOOMANYREQUESTS: 429,
  RANGE_INVALID: 416,
  PAGINATION_NUMBER_INVALID: 400,
};

export interface RegistryErrorOptions {
  /** Overrides the code's default status, e.g. 413 for an oversized manifest. */
  status?: number;
  /** Any JSON the client can use to resolve the problem; sent as the error's `detail`. */
  detail?: unknown;
}

/** One entry of the `errors` array of a registry error response. */
export interface OciErrorEntry {
  code: OciErrorCode;
  message: string;
  detail?: unknown;
}

export interface OciErrorBody {
  errors: OciErrorEntry[];
}

/**
 * A failure the registry reports to its client as-is: the code and message go into the JSON
 * body, `status` is the HTTP status. Throw it from anywhere; the HTTP layer renders it.
 */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: OciErrorCode;
  readonly status: number;
  readonly detail?: unknown;

  constructor(code: OciErrorCode, message: string, options: RegistryErrorOptions = {}) {
    super(message);
    const status = options.status ?? DEFAULT_OCI_ERROR_STATUS[code];
    // Only error statuses make sense here; anything else is a programming mistake upstream.
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`a registry error status must be 4xx or 5xx, got ${status}`);
    }
    this.code = code;
    this.status = status;
    this.detail = options.detail;
  }

  static blobUnknown(digest: string): RegistryError {
    return new RegistryError('BLOB_UNKNOWN', `blob unknown to registry: ${digest}`, { detail: { digest } });
  }

  /** `status` 416 is what clients expect when a chunk does not continue the upload. */
  static blobUploadInvalid(reason: string, status?: number): RegistryError {
    return new RegistryError('BLOB_UPLOAD_INVALID', `blob upload invalid: ${reason}`, { status, detail: reason });
  }

  static blobUploadUnknown(uploadId: string): RegistryError {
    return new RegistryError('BLOB_UPLOAD_UNKNOWN', `blob upload unknown to registry: ${uploadId}`, { detail: { uploadId } });
  }

  static digestInvalid(reason: string): RegistryError {
    return new RegistryError('DIGEST_INVALID', `digest invalid: ${reason}`, { detail: reason });
  }

  static manifestBlobUnknown(digest: string): RegistryError {
    return new RegistryError('MANIFEST_BLOB_UNKNOWN', `manifest references a blob or manifest unknown to registry: ${digest}`, {
      detail: { digest },
    });
  }

  /** `status` 413 for a manifest over the size limit. */
  static manifestInvalid(reason: string, status?: number): RegistryError {
    return new RegistryError('MANIFEST_INVALID', `manifest invalid: ${reason}`, { status, detail: reason });
  }

  /** `reference` is the tag or digest that was asked for. */
  static manifestUnknown(reference: string): RegistryError {
    return new RegistryError('MANIFEST_UNKNOWN', `manifest unknown to registry: ${reference}`, { detail: { reference } });
  }

  static nameInvalid(name: string, reason = 'invalid repository name'): RegistryError {
    return new RegistryError('NAME_INVALID', `${reason}: ${name}`, { detail: { name } });
  }

  static nameUnknown(name: string): RegistryError {
    return new RegistryError('NAME_UNKNOWN', `repository name not known to registry: ${name}`, { detail: { name } });
  }

  static sizeInvalid(reason: string): RegistryError {
    return new RegistryError('SIZE_INVALID', `size invalid: ${reason}`, { detail: reason });
  }

  static unauthorized(reason = 'authentication required'): RegistryError {
    return new RegistryError('UNAUTHORIZED', reason);
  }

  static denied(reason = 'requested access to the resource is denied'): RegistryError {
    return new RegistryError('DENIED', reason);
  }

  /** 405 by default; pass 400 when the refusal is about the request rather than the method. */
  static unsupported(reason = 'the operation is unsupported', status?: number): RegistryError {
    return new RegistryError('UNSUPPORTED', reason, { status });
  }

  static tooManyRequests(reason = 'too many requests'): RegistryError {
    return new RegistryError('TOOMANYREQUESTS', reason);
  }

  static rangeInvalid(reason: string): RegistryError {
    return new RegistryError('RANGE_INVALID', `requested range not satisfiable: ${reason}`, { detail: reason });
  }

  static paginationNumberInvalid(reason: string): RegistryError {
    return new RegistryError('PAGINATION_NUMBER_INVALID', `invalid number of results requested: ${reason}`, { detail: reason });
  }
}

/** The JSON body of an error response; `detail` is left out when an error has none. */
export function ociErrorBody(errors: readonly RegistryError[]): OciErrorBody {
  return {
    errors: errors.map((error) => ({
      code: error.code,
      message: error.message,
      ...(error.detail !== undefined ? { detail: error.detail } : {}),
    })),
  };
}
