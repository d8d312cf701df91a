/**
 * Grammar of a docker/OCI image reference, as accepted by library-go (OpenShift) and
 * distribution/reference:
 *
 * ```
 * reference        := name [ ":" tag ] [ "@" digest ]
 * name             := [ domain "/" ] path                      (at most 255 characters)
 * domain           := host-part ( "." host-part )* [ ":" port ]
 * host-part        := [a-zA-Z0-9] | [a-zA-Z0-9] [a-zA-Z0-9-]* [a-zA-Z0-9]
 * port             := [0-9]+
 * path             := path-component ( "/" path-component )*
 * path-component   := alpha-numeric ( separator alpha-numeric )*
 * alpha-numeric    := [a-z0-9]+
 * separator        := [._] | "__" | [-]+
 * tag              := [\w] [\w.-]{0,127}                     (at most 128 characters)
 * digest           := algorithm ":" encoded
 * algorithm        := algorithm-part ( [-_+.] algorithm-part )*
 * algorithm-part   := [A-Za-z] [A-Za-z0-9]*
 * encoded          := [0-9a-fA-F]{32,}
 * ```
 *
 * On top of the grammar: only `sha256` (64 hex), `sha384` (96) and `sha512` (128) digests are
 * supported and their hex must be lowercase; and the first path component of a name is a
 * registry only if it contains `.` or `:` or is exactly `localhost` (so `library/nginx` is a
 * Docker Hub path, not a registry called `library`).
 *
 * The pieces below are matched separately, rather than as one big expression, so the parser
 * can tell *which* part of a reference is wrong. Every expression is anchored.
 */

const alphaNumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const path = `${pathComponent}(?:/${pathComponent})*`;

const hostPart = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domain = `${hostPart}(?:\\.${hostPart})*(?::[0-9]+)?`;

const algorithmPart = '[A-Za-z][A-Za-z0-9]*';
const algorithm = `${algorithmPart}(?:[-_+.]${algorithmPart})*`;

export const NAME_MAX_LENGTH = 255;
export const TAG_MAX_LENGTH = 128;

export const NAME_PATTERN = new RegExp(`^(?:${domain}/)?${path}$`);
export const PATH_PATTERN = new RegExp(`^${path}$`);
export const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
export const DIGEST_PATTERN = new RegExp(`^${algorithm}:[0-9a-fA-F]{32,}$`);

/** Supported digest algorithms and the exact number of hex characters each one produces. */
export const DIGEST_HEX_LENGTHS = { sha256: 64, sha384: 96, sha512: 128 } as const;

export type DigestAlgorithm = keyof typeof DIGEST_HEX_LENGTHS;

/** Why `library/nginx` is a path: a registry needs a `.` or a port, or must be `localhost`. */
export function isRegistryComponent(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}
