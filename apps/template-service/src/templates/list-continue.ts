import { Statuses, StatusError } from '@imagestreams/contracts';
import type { ListPosition } from './template.repository';

/**
 * The `continue` token of a template list: the position after the page's last item, so pages never
 * repeat or skip a template that exists throughout (a template changed between two pages shows
 * its newer state; Kubernetes would serve every page from one snapshot).
 */
export function encodeContinue(position: ListPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeContinue(token: string): ListPosition {
  try {
    const position = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<ListPosition>;
    if (typeof position.namespace === 'string' && typeof position.name === 'string') return { namespace: position.namespace, name: position.name };
  } catch {
    // Falls through to the 400 below: a token we did not issue.
  }
  throw new StatusError(Statuses.badRequest('continue key is not valid: it must be a token returned by a previous list'));
}
