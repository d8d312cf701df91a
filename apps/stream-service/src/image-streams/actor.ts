/** Who an event names until requests are authenticated (access control issue). */
export const ANONYMOUS_ACTOR = 'system:anonymous';
