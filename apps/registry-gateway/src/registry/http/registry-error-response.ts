import { Logger } from '@nestjs/common';
import { StatusError } from '@imagestreams/contracts';
import { ociErrorBody, RegistryError } from '@imagestreams/domain-registry';
import type { Response } from 'express';
import { storageFailure } from '../storage-failure';

const logger = new Logger('Registry');

/** What the owner's Status means to a registry client. */
function fromOwnerStatus(error: StatusError): RegistryError | { status: number; message: string } {
  const { code, message, reason } = error.status;
  const text = message ?? reason ?? 'request failed';
  if (code === 404) return new RegistryError('NAME_UNKNOWN', text);
  if (code === 400 || code === 422) return new RegistryError('MANIFEST_INVALID', text);
  if (code === 409) return new RegistryError('DENIED', text, { status: 409 });
  if (code === 413) return RegistryError.manifestInvalid(text, 413);
  return { status: code >= 500 ? code : 500, message: text };
}

/**
 * Every failure of `/v2` leaves here as an OCI error body with the spec's codes. Anything not
 * known to be the client's fault is logged and answered 5xx with the `UNKNOWN` code.
 */
export function sendRegistryError(response: Response, error: unknown): void {
  let known: RegistryError | { status: number; message: string } | undefined;
  if (error instanceof RegistryError) known = error;
  else if (error instanceof StatusError) known = fromOwnerStatus(error);
  else known = storageFailure(error);

  // A request read to its end is `destroyed` too in Node 20; only an incomplete one means the client left.
  if (response.headersSent || (response.req.destroyed && !response.req.complete)) {
    // The client is gone or already has a status line: nothing useful can be written.
    if (!(known instanceof RegistryError)) logger.warn(`registry request ended early: ${(error as Error)?.message ?? String(error)}`);
    if (!response.writableEnded) response.destroy();
    return;
  }
  if (known instanceof RegistryError) {
    response.status(known.status).json(ociErrorBody([known]));
    return;
  }
  if (!known) {
    logger.error(`unexpected error while serving a registry request: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    known = { status: 500, message: 'internal error' };
  }
  response.status(known.status).json({ errors: [{ code: 'UNKNOWN', message: known.message }] });
}
