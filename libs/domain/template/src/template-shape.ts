import { invalidError, requiredError, typeInvalidError } from './field-errors';
import { MAX_OBJECT_DEPTH } from './limits';
import { nestingExceeds } from './lossless-json';
import type { FieldError } from './types';

const PARAMETER_NAME = /^[a-zA-Z0-9_]+$/;
const STRING_PARAMETER_FIELDS = ['displayName', 'description', 'value', 'generate', 'from'] as const;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

/**
 * What the API server checks before processing a template it is sent: parameter names (present,
 * letters/digits/`_` only, as OpenShift validates them) and, because the input is untrusted
 * JSON, that every field has its declared type and `metadata` is not absurdly deep.
 * A JSON `null` counts as an absent optional field, as it does when Go decodes it.
 */
export function validateTemplateForProcessing(template: unknown): FieldError[] {
  if (!isPlainObject(template)) return [typeInvalidError('template', template, 'a template must be a JSON object')];
  const errors: FieldError[] = [];
  const { metadata, message, objects, labels, parameters } = template;
  if (metadata != null) {
    if (!isPlainObject(metadata)) errors.push(typeInvalidError('metadata', metadata, 'must be an object'));
    else if (nestingExceeds(metadata, MAX_OBJECT_DEPTH)) errors.push(invalidError('metadata', metadata, `nested deeper than ${MAX_OBJECT_DEPTH} levels`));
  }
  if (message != null && typeof message !== 'string') errors.push(typeInvalidError('message', message, 'must be a string'));
  if (objects != null && !Array.isArray(objects)) errors.push(typeInvalidError('objects', objects, 'must be a list of objects'));
  if (labels != null) {
    if (!isPlainObject(labels)) errors.push(typeInvalidError('labels', labels, 'must map label names to values'));
    else {
      for (const [key, value] of Object.entries(labels)) {
        if (typeof value !== 'string') errors.push(typeInvalidError(`labels[${key}]`, value, 'must be a string'));
      }
    }
  }
  if (parameters != null) errors.push(...validateParameters(parameters));
  return errors;
}

/**
 * `validateTemplateForProcessing` plus what OpenShift checks on a Template it stores: a
 * `metadata.name` (or `generateName`) that is a DNS-1123 subdomain.
 */
export function validateStoredTemplate(template: unknown): FieldError[] {
  const errors = validateTemplateForProcessing(template);
  if (!isPlainObject(template)) return errors;
  const metadata = isPlainObject(template['metadata']) ? template['metadata'] : {};
  const name = metadata['name'];
  if (name == null || name === '') {
    if (metadata['generateName'] == null || metadata['generateName'] === '') {
      errors.unshift(requiredError('metadata.name', 'name or generateName is required'));
    }
  } else if (typeof name !== 'string') {
    errors.unshift(typeInvalidError('metadata.name', name, 'must be a string'));
  } else {
    errors.unshift(...dns1123SubdomainErrors('metadata.name', name));
  }
  return errors;
}

function validateParameters(parameters: unknown): FieldError[] {
  if (!Array.isArray(parameters)) return [typeInvalidError('parameters', parameters, 'must be a list of parameters')];
  const errors: FieldError[] = [];
  parameters.forEach((parameter: unknown, index) => {
    const path = `parameters[${index}]`;
    if (!isPlainObject(parameter)) {
      errors.push(typeInvalidError(path, parameter, 'must be an object'));
      return;
    }
    const name = parameter['name'];
    if (name == null || name === '') errors.push(requiredError(`${path}.name`));
    else if (typeof name !== 'string') errors.push(typeInvalidError(`${path}.name`, name, 'must be a string'));
    else if (!PARAMETER_NAME.test(name)) errors.push(invalidError(`${path}.name`, name, `does not match ${PARAMETER_NAME.source}`));
    for (const key of STRING_PARAMETER_FIELDS) {
      const value = parameter[key];
      if (value != null && typeof value !== 'string') errors.push(typeInvalidError(`${path}.${key}`, value, 'must be a string'));
    }
    const required = parameter['required'];
    if (required != null && typeof required !== 'boolean') errors.push(typeInvalidError(`${path}.required`, required, 'must be a boolean'));
  });
  return errors;
}

// Kubernetes' own wording, so that the cause reads like any other invalid object name.
function dns1123SubdomainErrors(field: string, name: string): FieldError[] {
  const errors: FieldError[] = [];
  if (name.length > DNS1123_SUBDOMAIN_MAX_LENGTH) {
    errors.push(invalidError(field, name, `must be no more than ${DNS1123_SUBDOMAIN_MAX_LENGTH} characters`));
  }
  if (!DNS1123_SUBDOMAIN.test(name)) {
    errors.push(
      invalidError(
        field,
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
          `(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      ),
    );
  }
  return errors;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
