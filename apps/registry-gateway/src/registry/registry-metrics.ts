import { counter, METRIC_PREFIX } from '@imagestreams/platform-observability';

/** Bytes clients pushed: blob chunks appended to uploads, and manifest bodies. */
export const registryReceivedBytes = counter({
  name: `${METRIC_PREFIX}registry_received_bytes_total`,
  help: 'Bytes the /v2 registry received from clients: blob upload chunks written (kind="blob") and manifest bodies (kind="manifest").',
  labelNames: ['kind'] as const,
});

/** Bytes clients pulled: blob bodies (whole or a range) and manifest bodies; HEAD sends none. */
export const registrySentBytes = counter({
  name: `${METRIC_PREFIX}registry_sent_bytes_total`,
  help: 'Bytes the /v2 registry sent to clients: blob downloads, whole or ranged (kind="blob"), and manifest downloads (kind="manifest").',
  labelNames: ['kind'] as const,
});

// Both label values exist from the start, so a dashboard's rate() has a series before the first push.
for (const kind of ['blob', 'manifest']) {
  registryReceivedBytes.inc({ kind }, 0);
  registrySentBytes.inc({ kind }, 0);
}

/** Content fetched from the registry an image was imported from (pull-through), by outcome. */
export const registryPullThroughFetches = counter({
  name: `${METRIC_PREFIX}registry_pull_through_fetches_total`,
  help: 'Manifests and blobs the /v2 registry fetched from the registry an image was imported from (pull-through): outcome="fetched" (verified and kept), "refused" (missing there, unauthorized, or not matching its digest) or "unavailable" (unreachable, timed out, 5xx, rate-limited).',
  labelNames: ['kind', 'outcome'] as const,
});

for (const kind of ['blob', 'manifest']) for (const outcome of ['fetched', 'refused', 'unavailable']) registryPullThroughFetches.inc({ kind, outcome }, 0);
