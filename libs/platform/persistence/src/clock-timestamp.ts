/**
 * Postgres' clock at this moment (not the transaction's start) as RFC 3339 UTC with microseconds:
 * the `time` a deletion event carries, so consumers can compare it with their `created_at` columns
 * at the precision those have. A SQL expression, for a `RETURNING` or `SELECT` list.
 */
export const CLOCK_TIMESTAMP_RFC3339 = `to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
