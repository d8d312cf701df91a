/** Shortest run one `[class]{n}` may generate (OpenShift rejects `{0}`). */
export const MIN_GENERATED_LENGTH = 1;

/** Longest run one `[class]{n}` may generate (OpenShift rejects `{256}`). */
export const MAX_GENERATED_LENGTH = 255;

/**
 * Deepest nesting of objects and arrays accepted in a template object (the object itself is
 * level 1) or in a `${{NAME}}` value. Real manifests stay far below it; the limit turns
 * hostile input into a field error instead of a stack overflow.
 */
export const MAX_OBJECT_DEPTH = 100;

/** Bad values quoted in error messages are cut to this many characters. */
export const MAX_RENDERED_VALUE_LENGTH = 1024;
