import { Statuses, StatusError } from '@imagestreams/contracts';

export interface ListOptions {
  watch: boolean;
  labelSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  timeoutSeconds: number;
}

const MAX_WATCH_SECONDS = 3_600;
const DEFAULT_WATCH_SECONDS = 1_800;

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new StatusError(Statuses.badRequest(`query parameter ${name} may be given once`));
  return value;
}

function positiveInt(query: Record<string, unknown>, name: string, max: number): number | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new StatusError(Statuses.badRequest(`${name} must be a positive integer`));
  return Math.min(Number(raw), max);
}

/** Kubernetes list/watch query parameters, validated (400 on nonsense, never a 500). */
export function listOptions(query: Record<string, unknown>): ListOptions {
  const watch = single(query, 'watch');
  const resourceVersion = single(query, 'resourceVersion');
  if (resourceVersion !== undefined && resourceVersion !== '' && !/^\d+$/.test(resourceVersion)) {
    throw new StatusError(Statuses.badRequest(`invalid resourceVersion "${resourceVersion}"`));
  }
  return {
    watch: watch === 'true' || watch === '1',
    labelSelector: single(query, 'labelSelector') || undefined,
    limit: positiveInt(query, 'limit', 10_000),
    continue: single(query, 'continue') || undefined,
    resourceVersion: resourceVersion || undefined,
    timeoutSeconds: positiveInt(query, 'timeoutSeconds', MAX_WATCH_SECONDS) ?? DEFAULT_WATCH_SECONDS,
  };
}
