/**
 * The registries the samples operator knows as hosts of catalog images: a `host/namespace/name`
 * pull spec starting with one of these has that prefix replaced by `samplesRegistry`.
 */
export const KNOWN_SAMPLE_REGISTRIES: readonly string[] = ['docker.io', 'registry.redhat.io', 'registry.access.redhat.com', 'quay.io', 'registry.svc.ci.openshift.org'];

/**
 * `samplesRegistry` applied to one pull spec, exactly as OpenShift's operator does it
 * (`coreUpdateDockerPullSpec`, reference §6.4), quirks included:
 * 1. an empty registry, or a spec that already starts with it (plain string prefix), is unchanged;
 * 2. with exactly two `/`: a known registry prefix (plain string prefix) is replaced, first
 *    occurrence only; otherwise the first segment is replaced by the registry;
 * 3. otherwise (one `/`, or three or more) the registry is put in front: `quay.io/a/b/c` becomes
 *    `<registry>/quay.io/a/b/c`.
 */
export function rewritePullSpec(pullSpec: string, samplesRegistry: string | undefined): string {
  const registry = samplesRegistry ?? '';
  if (registry === '' || pullSpec.startsWith(registry)) return pullSpec;
  const segments = pullSpec.split('/');
  if (segments.length === 3) {
    const known = KNOWN_SAMPLE_REGISTRIES.find((prefix) => pullSpec.startsWith(prefix));
    if (known !== undefined) return pullSpec.replace(known, () => registry);
    return `${registry}/${segments[1]}/${segments[2]}`;
  }
  return `${registry}/${pullSpec}`;
}
