import { invalidError, renderBadValue } from './field-errors';
import { LabelMergeError, mergeTemplateLabels, substituteTemplateLabels } from './labels';
import { groupifyLegacyApiVersion } from './legacy-api-versions';
import { withoutHardCodedNamespace } from './namespaces';
import { applySuppliedValues, inGoFieldOrder, parameterValueMap, resolveParameterValues } from './parameters';
import { cryptoRandom } from './random-source';
import { ObjectDepthError, SubstitutionError, substituteInObject, substituteText, type ParameterValueMap } from './substitution';
import { isPlainObject, validateTemplateForProcessing } from './template-shape';
import type { FieldError, JsonObject, ProcessedTemplate, RandomSource, Template } from './types';

export interface ProcessTemplateOptions {
  /** Values by parameter name, as `oc process -p NAME=value` gives them. */
  parameterValues?: Readonly<Record<string, string>>;
  /** Skip supplied names the template has no parameter for instead of failing. */
  ignoreUnknownParameters?: boolean;
  /**
   * The namespace the template is processed in; it fills an empty `metadata.namespace` of the
   * result. A different non-empty namespace in the template is a request-level mismatch
   * (OpenShift's 400) for the caller to reject before processing; it is left as it is here.
   */
  namespace?: string;
  /** Where generated characters come from; the OS CSPRNG unless a test injects its own. */
  random?: RandomSource;
}

export type ProcessTemplateResult = { template: ProcessedTemplate; errors?: undefined } | { errors: FieldError[]; template?: undefined };

/**
 * OpenShift template processing (`processedtemplates`, `oc process`), as a pure function:
 * 1. validate the template's fields and parameter names;
 * 2. apply `parameterValues`, then give every parameter its value (default, generated, or a
 *    Required error), reporting every parameter problem together and stopping if there is one;
 * 3. substitute parameters into `message` and `labels`;
 * 4. for each object: reject it if it is not an object with a `kind`, drop a hard-coded
 *    namespace, substitute every string and map key, give legacy `v1` kinds their API group,
 *    and merge the template labels into `metadata.labels`; errors of all objects are reported
 *    together.
 * The input is never modified. Errors carry OpenShift's field paths (`template.parameters[i]`,
 * `item[i].objects`, `item[i].parameters`) and message bodies.
 */
export function processTemplate(template: Template, options: ProcessTemplateOptions = {}): ProcessTemplateResult {
  const shapeErrors = validateTemplateForProcessing(template);
  if (shapeErrors.length > 0) return { errors: shapeErrors };

  const supplied = applySuppliedValues(template.parameters ?? [], options.parameterValues ?? {}, options.ignoreUnknownParameters ?? false);
  const resolved = resolveParameterValues(supplied.parameters, options.random ?? cryptoRandom);
  const parameterErrors = [...supplied.errors, ...resolved.errors];
  if (parameterErrors.length > 0) return { errors: parameterErrors };

  const values = parameterValueMap(resolved.parameters);
  const labels = substituteTemplateLabels(template.labels ?? {}, values);
  const objectErrors: FieldError[] = [];
  const objects = template.objects == null ? null : template.objects.flatMap((object, index) => {
    const processed = processObject(object, index, values, labels);
    if ('field' in processed) {
      objectErrors.push(processed);
      return [];
    }
    return [processed.object];
  });
  if (objectErrors.length > 0) return { errors: objectErrors };

  const metadata: JsonObject = structuredClone(template.metadata ?? {});
  if (options.namespace && !metadata['namespace']) metadata['namespace'] = options.namespace;
  const message = substituteText(template.message ?? '', values);
  const parameters = resolved.parameters.map(inGoFieldOrder);
  return {
    template: {
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata,
      ...(message ? { message } : {}),
      objects,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
    },
  };
}

function processObject(object: unknown, index: number, values: ParameterValueMap, labels: Record<string, string>): { object: JsonObject } | FieldError {
  const objectsField = `item[${index}].objects`;
  if (!isPlainObject(object)) {
    return invalidError(objectsField, object, `unable to handle object: expected a JSON object, got ${describeType(object)}`);
  }
  const item = object as JsonObject;
  const kind = item['kind'];
  if (typeof kind !== 'string' || kind === '') {
    return invalidError(objectsField, item, `unable to handle object: Object 'Kind' is missing in '${renderBadValue(item)}'`);
  }
  let substituted: JsonObject;
  try {
    substituted = substituteInObject(withoutHardCodedNamespace(item), values);
  } catch (error) {
    if (error instanceof SubstitutionError) return invalidError(`item[${index}].parameters`, error.badValue, error.message);
    if (error instanceof ObjectDepthError) return invalidError(objectsField, item, `unable to handle object: ${error.message}`);
    throw error;
  }
  try {
    return { object: mergeTemplateLabels(groupifyLegacyApiVersion(substituted), labels) };
  } catch (error) {
    if (error instanceof LabelMergeError) return invalidError(objectsField, substituted['metadata'], error.message);
    throw error;
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
