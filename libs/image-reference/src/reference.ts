/**
 * A reference split into its parts, exactly as written: no registry, namespace or tag is
 * invented. Absent parts are omitted rather than set to `undefined`.
 */
export interface ParsedReference {
  /** `quay.io`, `localhost:5000`, `10.0.0.1:5000`; only present when written. */
  registry?: string;
  /** The path after the registry: `library/nginx`, `openshift/origin-cli`, `nginx`. */
  repository: string;
  tag?: string;
  /** `sha256:<64 lowercase hex>` (or sha384/sha512). */
  digest?: string;
  /** `registry + '/' + repository`, or just `repository` when there is no registry. */
  name: string;
}

/** The parts `formatReference` writes; `name` is derived, so it is not needed. */
export type ReferenceParts = Pick<ParsedReference, 'registry' | 'repository' | 'tag' | 'digest'>;

/**
 * A reference with Docker's client defaults applied: a registry is always present, and a tag
 * is present whenever no digest was given.
 */
export interface NormalizedReference extends ParsedReference {
  registry: string;
  /** The full canonical string, e.g. `docker.io/library/nginx:latest`. */
  canonical: string;
}
