export type InvalidReferenceCode =
  | 'INVALID_FORMAT'
  | 'NAME_CONTAINS_UPPERCASE'
  | 'NAME_EMPTY'
  | 'NAME_TOO_LONG'
  | 'TAG_INVALID'
  | 'DIGEST_INVALID_LENGTH'
  | 'DIGEST_UNSUPPORTED_ALGORITHM';

/**
 * The texts library-go and distribution/reference use, so API error messages read the same as
 * OpenShift's (`... Invalid value: "Foo": repository name must be lowercase`).
 */
export const INVALID_REFERENCE_MESSAGES: Readonly<Record<InvalidReferenceCode, string>> = Object.freeze({
  INVALID_FORMAT: 'invalid reference format',
  NAME_CONTAINS_UPPERCASE: 'repository name must be lowercase',
  NAME_EMPTY: 'repository name must have at least one component',
  NAME_TOO_LONG: 'repository name must not be more than 255 characters',
  TAG_INVALID: 'invalid tag format',
  DIGEST_INVALID_LENGTH: 'invalid checksum digest length',
  DIGEST_UNSUPPORTED_ALGORITHM: 'unsupported digest algorithm',
});

/**
 * Thrown for any reference or digest that does not satisfy the grammar. `message` is the bare
 * OpenShift text (callers put it into a field error); the offending value is kept in `input`.
 */
export class InvalidReferenceError extends Error {
  override readonly name = 'InvalidReferenceError';

  constructor(
    readonly code: InvalidReferenceCode,
    readonly input: string,
    message: string = INVALID_REFERENCE_MESSAGES[code],
  ) {
    super(message);
  }
}
