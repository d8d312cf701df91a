/**
 * A FROM item that makes the statement it appears in commit without waiting for the WAL flush
 * (`synchronous_commit = off` for its own implicit transaction only, through set_config's local
 * form): for bookkeeping whose loss in a database crash is harmless, e.g. a registry upload
 * session, which the client simply starts again. Any later synchronous commit (the manifest that
 * makes an upload's blob part of an image) flushes these records with it, because the WAL is one
 * sequence. Never for anything a client was told is durable on its own.
 */
export const ASYNC_COMMIT_SOURCE = `(SELECT set_config('synchronous_commit', 'off', true)) AS async_commit`;
