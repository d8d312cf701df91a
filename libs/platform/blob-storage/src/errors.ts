/** Base class of every error the blob store throws on purpose (everything else is an I/O failure). */
export class BlobStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Untrusted input is echoed into messages, so keep it short and printable. */
function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

/** Not `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>`. Thrown before any file system access. */
export class InvalidDigestError extends BlobStoreError {
  constructor(readonly digest: string) {
    super(`invalid digest ${quote(digest)}: expected sha256:<64 hex> or sha512:<128 hex>`);
  }
}

export class BlobNotFoundError extends BlobStoreError {
  constructor(readonly digest: string) {
    super(`blob ${digest} not found`);
  }
}

/** The content does not hash to the digest it was claimed to have; nothing was kept. */
export class DigestMismatchError extends BlobStoreError {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`digest mismatch: expected ${expected}, content hashes to ${actual}`);
  }
}

/** The upload does not exist, or the id is not a valid upload id (`[A-Za-z0-9-]{1,64}`). */
export class UploadNotFoundError extends BlobStoreError {
  constructor(readonly id: string) {
    super(`upload ${quote(id)} not found`);
  }
}

/** `startUpload` with an id that is already in use. */
export class UploadExistsError extends BlobStoreError {
  constructor(readonly id: string) {
    super(`upload ${quote(id)} already exists`);
  }
}

/** An append did not start exactly at the end of the upload. */
export class UploadOffsetMismatchError extends BlobStoreError {
  constructor(
    readonly id: string,
    readonly expectedOffset: number,
    readonly actualSize: number,
  ) {
    super(`upload ${quote(id)} is ${actualSize} bytes long, not ${expectedOffset}`);
  }
}

/** The appended stream was longer than allowed (`maxBytes`, or more than the announced `expectedLength`). */
export class UploadTooLargeError extends BlobStoreError {
  constructor(
    readonly id: string,
    readonly limit: number,
  ) {
    super(`upload ${quote(id)}: the appended stream exceeds ${limit} bytes`);
  }
}

/** The appended stream ended before delivering `expectedLength` bytes. */
export class IncompleteUploadError extends BlobStoreError {
  constructor(
    readonly id: string,
    readonly expectedLength: number,
    readonly receivedLength: number,
  ) {
    super(`upload ${quote(id)}: the stream ended after ${receivedLength} of ${expectedLength} bytes`);
  }
}

export class BlobTooLargeError extends BlobStoreError {
  constructor(
    readonly digest: string,
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(`blob ${digest} is ${size} bytes, more than the ${maxBytes} allowed`);
  }
}

/** A byte range that is malformed or starts at or beyond the end of the blob (HTTP 416). */
export class InvalidRangeError extends BlobStoreError {
  constructor(
    readonly start: number,
    readonly end: number,
    readonly size?: number,
  ) {
    super(`range ${start}-${end} is not satisfiable${size === undefined ? '' : ` for a blob of ${size} bytes`}`);
  }
}
