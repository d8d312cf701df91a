export interface BackoffOptions {
  /** The cap for the first retry (attempt 0); it doubles with each attempt. */
  baseMs: number;
  /** The cap never grows beyond this. */
  maxMs: number;
}

/** A registry asking us to wait longer than this is not honoured beyond it. */
export const DEFAULT_MAX_RETRY_AFTER_MS = 10 * 60 * 1_000;

// Timeouts, "too early", rate limiting and the gateway/server errors a retry can cure. Other 4xx
// mean the request itself is wrong and 501/505 mean the server never will.
const RETRYABLE_STATUS_CODES: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/**
 * How long to wait before retry number `attempt` (0-based): a uniformly random delay between 0
 * and `min(maxMs, baseMs · 2^attempt)`, the "full jitter" scheme. Randomising the whole delay,
 * not just a margin, is what stops importers that failed together from retrying together.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer, got ${attempt}`);
  const { baseMs, maxMs } = options;
  if (!(baseMs > 0) || !Number.isFinite(baseMs)) throw new RangeError(`baseMs must be a positive number, got ${baseMs}`);
  if (!(maxMs >= baseMs) || !Number.isFinite(maxMs)) throw new RangeError(`maxMs must be a number not below baseMs, got ${maxMs}`);

  const value = random();
  if (!(value >= 0 && value < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${value}`);
  // 2 ** attempt overflows to Infinity for large attempts, which the min() turns into maxMs.
  const cap = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.floor(value * cap);
}

/**
 * The wait a `Retry-After` header asks for, in ms from `now`: either delta-seconds (`120`) or an
 * HTTP-date, in any of the three formats HTTP allows. A date in the past means "now" (0). The
 * result is capped at `maxMs`, because a registry must not be able to park an import for days.
 * `undefined` when the header is absent or unreadable, so the caller falls back to its own backoff.
 */
export function retryAfterMs(header: string | undefined, now: number, maxMs: number = DEFAULT_MAX_RETRY_AFTER_MS): number | undefined {
  if (!(maxMs >= 0)) throw new RangeError(`maxMs must be a non-negative number, got ${maxMs}`);
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (value === '') return undefined;

  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1_000, maxMs);

  const at = parseHttpDate(value, now);
  if (at === undefined) return undefined;
  return Math.min(Math.max(at - now, 0), maxMs);
}

export function isRetryableStatus(code: number): boolean {
  return RETRYABLE_STATUS_CODES.has(code);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SHORT_DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

// `Sun, 06 Nov 1994 08:49:37 GMT`: the format servers must send.
const IMF_FIXDATE = new RegExp(`^${SHORT_DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
// `Sunday, 06-Nov-94 08:49:37 GMT`: obsolete, but recipients must accept it.
const RFC_850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
// `Sun Nov  6 08:49:37 1994`: C's asctime(), always UTC in HTTP.
const ASCTIME_DATE = new RegExp(`^${SHORT_DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Parsed by hand rather than with `Date.parse`, which accepts far more than HTTP allows and
 * reads an asctime date in the machine's local time zone.
 */
function parseHttpDate(value: string, now: number): number | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) return utc(Number(match[3]), match[2], match[1], match[4], match[5], match[6]);

  match = RFC_850_DATE.exec(value);
  if (match) return utc(fullYearOf(Number(match[3]), now), match[2], match[1], match[4], match[5], match[6]);

  match = ASCTIME_DATE.exec(value);
  if (match) return utc(Number(match[6]), match[1], match[2], match[3], match[4], match[5]);

  return undefined;
}

// RFC 9110: a two-digit year that would land more than 50 years in the future is in the past century.
function fullYearOf(twoDigitYear: number, now: number): number {
  const currentYear = new Date(now).getUTCFullYear();
  const year = Math.floor(currentYear / 100) * 100 + twoDigitYear;
  return year > currentYear + 50 ? year - 100 : year;
}

function utc(year: number, month: string, day: string, hours: string, minutes: string, seconds: string): number | undefined {
  const [d, h, m, s] = [day, hours, minutes, seconds].map((part) => Number(part.trim()));
  // A leap second (60) is allowed by the grammar and simply rolls over.
  if (d < 1 || h > 23 || m > 59 || s > 60) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not turn years below 100 into 19xx.
  date.setUTCFullYear(year, MONTHS.indexOf(month), d);
  // `31 Feb` would silently become 3 March; a day that does not exist makes the date garbage.
  if (date.getUTCDate() !== d) return undefined;
  return date.getTime() + ((h * 60 + m) * 60 + s) * 1_000;
}
