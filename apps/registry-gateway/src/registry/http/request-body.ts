import { RegistryError } from '@imagestreams/domain-registry';
import type { Request } from 'express';

/** Content-Length as a number; undefined when absent (chunked). Node has already refused malformed values. */
export function declaredLength(request: Request): number | undefined {
  const header = request.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/**
 * Reads a small body (a manifest) whole, refusing more than `limit` bytes before reading them all.
 * A body cut short of its Content-Length rejects: the client sees MANIFEST_INVALID, not a partial write.
 */
export async function readSmallBody(request: Request, limit: number): Promise<Buffer> {
  const length = declaredLength(request);
  const tooLarge = () => RegistryError.manifestInvalid(`manifest is larger than the ${limit} bytes allowed`, 413);
  if (length !== undefined && length > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > limit) throw tooLarge();
    chunks.push(chunk);
  }
  if (length !== undefined && received !== length) throw RegistryError.manifestInvalid(`body has ${received} of its ${length} bytes`);
  return Buffer.concat(chunks);
}

/** The first value of a query parameter, ignoring repeats and nested forms. */
export function queryValue(request: Request, name: string): string | undefined {
  const value: unknown = request.query[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
