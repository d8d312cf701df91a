import { ReferenceParts } from './reference';

/**
 * Writes `[registry/]repository[:tag][@digest]`. Empty strings count as absent. The parts are
 * not validated: pass the result through `parseReference` when they come from outside.
 */
export function formatReference(parts: ReferenceParts): string {
  let text = parts.registry ? `${parts.registry}/${parts.repository}` : parts.repository;
  if (parts.tag) text += `:${parts.tag}`;
  if (parts.digest) text += `@${parts.digest}`;
  return text;
}
