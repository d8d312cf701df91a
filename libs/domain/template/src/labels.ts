import { setOwnProperty } from './lossless-json';
import { substituteText, type ParameterValueMap } from './substitution';
import type { JsonObject } from './types';

/** An object whose `metadata` or `metadata.labels` cannot take the template labels. */
export class LabelMergeError extends Error {}

/**
 * Template labels with parameters substituted in keys and values (an exact `${{NAME}}` gives the
 * raw value). When two keys end up equal, the later one wins.
 */
export function substituteTemplateLabels(labels: Readonly<Record<string, string>>, values: ParameterValueMap): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels)) setOwnProperty(result, substituteText(key, values), substituteText(value, values));
  return result;
}

/**
 * A copy of `object` with `labels` merged into `metadata.labels` (created when missing); the
 * template's label wins over the object's own on the same key. Only `metadata.labels` is
 * touched: selectors, pod templates and list items keep their labels, whatever the kind, because
 * that is what OpenShift does with objects it receives as plain JSON.
 * Throws `LabelMergeError` where OpenShift would silently drop or replace the object's labels.
 */
export function mergeTemplateLabels(object: JsonObject, labels: Readonly<Record<string, string>>): JsonObject {
  if (Object.keys(labels).length === 0) return object;
  const metadata = object['metadata'] ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new LabelMergeError('metadata must be an object to carry the template labels');
  const ownLabels = metadata['labels'] ?? {};
  if (typeof ownLabels !== 'object' || Array.isArray(ownLabels) || Object.values(ownLabels).some((value) => typeof value !== 'string')) {
    throw new LabelMergeError('metadata.labels must map strings to strings to take the template labels');
  }
  const merged: JsonObject = { ...ownLabels };
  for (const [key, value] of Object.entries(labels)) setOwnProperty(merged, key, value);
  const result: JsonObject = { ...object };
  setOwnProperty(result, 'metadata', { ...metadata, labels: merged });
  return result;
}
