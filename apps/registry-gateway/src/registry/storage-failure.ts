import {
  BlobNotFoundError,
  BlobTooLargeError,
  DigestMismatchError,
  IncompleteUploadError,
  InvalidDigestError,
  UploadNotFoundError,
  UploadOffsetMismatchError,
  UploadTooLargeError,
} from '@imagestreams/platform-blob-storage';
import { RegistryError } from '@imagestreams/domain-registry';

/** The blob store's errors in the registry's words; undefined for anything else. */
export function storageFailure(error: unknown): RegistryError | undefined {
  if (error instanceof InvalidDigestError) return RegistryError.digestInvalid(error.message);
  if (error instanceof DigestMismatchError) return RegistryError.digestInvalid('the uploaded content does not match the digest');
  if (error instanceof BlobNotFoundError) return new RegistryError('BLOB_UNKNOWN', error.message);
  if (error instanceof UploadNotFoundError) return new RegistryError('BLOB_UPLOAD_UNKNOWN', error.message);
  if (error instanceof UploadOffsetMismatchError) return RegistryError.blobUploadInvalid(error.message, 416);
  if (error instanceof IncompleteUploadError) return RegistryError.blobUploadInvalid(error.message);
  if (error instanceof UploadTooLargeError) return RegistryError.sizeInvalid(error.message);
  if (error instanceof BlobTooLargeError) return RegistryError.sizeInvalid(error.message);
  return undefined;
}
