/** Postgres error codes (SQLSTATE) the services react to. */
export const PgErrorCodes = {
  foreignKeyViolation: '23503',
  deadlockDetected: '40P01',
} as const;

/** Whether `error` is a Postgres error with one of `codes`. */
export function hasPgErrorCode(error: unknown, codes: readonly string[]): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && codes.includes(code);
}

/**
 * Runs `work` (one whole transaction) again, three times in all at most, while it fails with one
 * of `codes`. For failures that say "another transaction got in the way" (a deadlock Postgres
 * broke by aborting this side), where running again is the answer and the client should not see them.
 */
export async function retryOn<T>(codes: readonly string[], work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 3 || !hasPgErrorCode(error, codes)) throw error;
    }
  }
}

/** retryOn a deadlock. */
export function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  return retryOn([PgErrorCodes.deadlockDetected], work);
}
