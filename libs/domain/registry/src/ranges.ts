/** An inclusive byte range: `{ start: 0, end: 9 }` is the first ten bytes. */
export interface ByteRange {
  start: number;
  end: number;
}

// Chunked uploads: the OCI form is a bare `<start>-<end>`; some clients send the HTTP
// Content-Range form `bytes <start>-<end>/<total or *>` instead, so both are read.
const OCI_CHUNK_RANGE = /^(\d+)-(\d+)$/;
const HTTP_CONTENT_RANGE = /^bytes (\d+)-(\d+)(?:\/(\d+|\*))?$/i;

/** The range a PATCH chunk claims to cover; undefined when the header is absent or malformed. */
export function parseUploadContentRange(header: string | undefined): ByteRange | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  const match = OCI_CHUNK_RANGE.exec(value) ?? HTTP_CONTENT_RANGE.exec(value);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = Number(match[2]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  // A complete length that the range does not fit in is a contradiction, not a hint.
  if (match[3] !== undefined && match[3] !== '*' && Number(match[3]) <= end) return undefined;
  return { start, end };
}

const SINGLE_BYTE_RANGE = /^bytes=(\d*)-(\d*)$/i;

/**
 * Reads a blob GET's `Range` header against a blob of `size` bytes. Undefined means "send the
 * whole blob": no header, a malformed one, or several ranges (which HTTP lets a server ignore,
 * and multipart responses are not worth it for blobs). 'unsatisfiable' means answer 416: a range
 * past the end, or one that ends before it starts.
 */
export function parseBlobRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const match = SINGLE_BYTE_RANGE.exec(header.trim());
  if (!match) return undefined;
  const [, first, last] = match;
  if (first === '' && last === '') return undefined;

  if (first === '') {
    // `bytes=-n`: the last n bytes, the whole blob when it is shorter than n.
    const suffixLength = Number(last);
    if (suffixLength === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffixLength), end: size - 1 };
  }

  const start = Number(first);
  // `bytes=a-` runs to the end; an explicit end past the blob is cut short, as HTTP says.
  const end = last === '' ? Infinity : Number(last);
  // RFC 9110 (14.2) lets a server ignore or reject a range that ends before it starts; the OCI
  // conformance suite (and distribution) reject it, and a client asking for nothing gets no blob.
  if (end < start) return 'unsatisfiable';
  if (start >= size) return 'unsatisfiable';
  return { start, end: Math.min(end, size - 1) };
}
