import { ObjectReference, TAG_NAME_PATTERN } from './spec-tags';

/** The stream a spec tag belongs to: bare `from` names and empty namespaces mean this one. */
export interface StreamLocation {
  namespace: string;
  stream: string;
}

export type TagSource =
  | { kind: 'DockerImage'; pullSpec: string }
  | { kind: 'ImageStreamTag'; namespace: string; stream: string; tag: string }
  | { kind: 'ImageStreamImage'; namespace: string; stream: string; id: string }
  | { error: string };

export const TAG_SOURCE_FORM_MESSAGE = 'must be of the form <tag>, <repo>:<tag>, <id>, or <repo>@<id>';

// §6.2: a name that cannot be a stream cannot be a source either.
const STREAM_NAME_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

/**
 * Splits a spec tag's `from` into the place its image comes from (§4.2):
 * - `DockerImage`: the pull spec as written (`validateSpecTags` checks that it parses);
 * - `ImageStreamTag`: `<tag>` (this stream) or `<stream>:<tag>`;
 * - `ImageStreamImage`: `<id>` (this stream) or `<stream>@<id>`;
 * an empty `namespace` means `here.namespace`.
 *
 * Stricter than OpenShift, which only counts the separators: empty halves, a stream name that
 * breaks the stream-name rules and a tag that breaks the tag grammar are rejected here with
 * the same message, because no such stream or tag can exist and OpenShift would instead
 * silently resolve nothing (a missing source tag is not an error there).
 */
export function parseTagSource(from: ObjectReference, here: StreamLocation): TagSource {
  const name = typeof from.name === 'string' ? from.name : '';
  const namespace = from.namespace || here.namespace;
  switch (from.kind) {
    case 'DockerImage':
      return name === '' ? { error: 'name is required' } : { kind: 'DockerImage', pullSpec: name };
    case 'ImageStreamTag': {
      const parts = splitOnce(name, ':', here.stream);
      if (!parts || !TAG_NAME_PATTERN.test(parts.rest)) return { error: TAG_SOURCE_FORM_MESSAGE };
      return { kind: 'ImageStreamTag', namespace, stream: parts.stream, tag: parts.rest };
    }
    case 'ImageStreamImage': {
      const parts = splitOnce(name, '@', here.stream);
      if (!parts) return { error: TAG_SOURCE_FORM_MESSAGE };
      return { kind: 'ImageStreamImage', namespace, stream: parts.stream, id: parts.rest };
    }
    default:
      return { error: "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'" };
  }
}

/** Narrows a `parseTagSource` result to its failure case. */
export function isTagSourceError(source: TagSource): source is { error: string } {
  return 'error' in source;
}

/**
 * True when `from` is an alias of another tag of the same stream (`X` or `<thisStream>:X`,
 * namespace empty or equal): the only case that keeps following its source (§4.3). Other
 * ImageStreamTag sources are copied once, when the spec is written.
 */
export function isSameStreamAlias(from: ObjectReference | undefined, here: StreamLocation): boolean {
  if (from?.kind !== 'ImageStreamTag') return false;
  const source = parseTagSource(from, here);
  return (
    !isTagSourceError(source) &&
    source.kind === 'ImageStreamTag' &&
    source.namespace === here.namespace &&
    source.stream === here.stream
  );
}

/** `<rest>` or `<stream><separator><rest>`, both parts non-empty and the stream a valid name. */
function splitOnce(
  name: string,
  separator: string,
  defaultStream: string,
): { stream: string; rest: string } | undefined {
  const parts = name.split(separator);
  if (parts.length === 1) return parts[0] === '' ? undefined : { stream: defaultStream, rest: parts[0] };
  if (parts.length !== 2 || !STREAM_NAME_PATTERN.test(parts[0]) || parts[1] === '') return undefined;
  return { stream: parts[0], rest: parts[1] };
}
