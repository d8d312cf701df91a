/**
 * Tagging from another namespace (`oc tag other/src:v1 mine:v1`) copies a reference to images the
 * caller might not be allowed to pull. OpenShift therefore asks for `get imagestreams/layers` on
 * the source stream; this finds the sources that need that check.
 */
export interface TagSourceReference {
  kind?: unknown;
  namespace?: unknown;
  name?: unknown;
}

export interface ForeignTagSource {
  namespace: string;
  stream: string;
}

/** `stream:tag` of an ImageStreamTag, `stream@digest` of an ImageStreamImage; anything else has no stream. */
function streamOf(kind: string, name: string): string | undefined {
  const separator = kind === 'ImageStreamTag' ? ':' : kind === 'ImageStreamImage' ? '@' : undefined;
  if (!separator) return undefined;
  const at = name.indexOf(separator);
  return at > 0 ? name.slice(0, at) : undefined;
}

/**
 * The distinct streams in other namespaces that `froms` reference. Malformed entries are skipped:
 * validating them is the owner's job, and a reference without a stream grants nothing.
 */
export function foreignTagSources(targetNamespace: string, froms: readonly (TagSourceReference | undefined | null)[]): ForeignTagSource[] {
  const found = new Map<string, ForeignTagSource>();
  for (const from of froms) {
    if (!from || typeof from.kind !== 'string' || typeof from.name !== 'string' || typeof from.namespace !== 'string') continue;
    if (from.namespace === '' || from.namespace === targetNamespace) continue;
    const stream = streamOf(from.kind, from.name);
    if (stream) found.set(`${from.namespace}/${stream}`, { namespace: from.namespace, stream });
  }
  return [...found.values()];
}

/** The `from` of every spec tag in an ImageStream body or merge patch (`spec.tags[].from`). */
export function specTagSources(body: unknown): TagSourceReference[] {
  const tags = (body as { spec?: { tags?: unknown } } | null | undefined)?.spec?.tags;
  if (!Array.isArray(tags)) return [];
  return tags.map((tag) => (tag && typeof tag === 'object' ? ((tag as { from?: TagSourceReference }).from ?? null) : null)).filter((from): from is TagSourceReference => from !== null && typeof from === 'object');
}
