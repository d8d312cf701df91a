import { Statuses, StatusError } from '@imagestreams/contracts';
import { parseLabelSelector, type LabelSelector } from '@imagestreams/domain-labels';

/** `?labelSelector=` of a list or watch, parsed; 400 BadRequest with the parser's reason when it is not a selector. */
export function labelSelectorOf(raw: string | undefined): LabelSelector {
  const parsed = parseLabelSelector(raw ?? '');
  if (!parsed.ok) throw new StatusError(Statuses.badRequest(`unable to parse requirement: ${parsed.error}`));
  return parsed.selector;
}
