import { MAX_RENDERED_VALUE_LENGTH } from './limits';
import { stringifyJson } from './lossless-json';
import type { FieldError, JsonValue } from './types';

// Message bodies follow Kubernetes' field errors (`<type>: <bad value>: <detail>`) so that causes
// read exactly like OpenShift's; bad values are rendered as compact JSON, as current apimachinery does.

export function requiredError(field: string, detail?: string): FieldError {
  return { field, reason: 'FieldValueRequired', message: withDetail('Required value', detail) };
}

export function invalidError(field: string, badValue: unknown, detail: string): FieldError {
  return { field, reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${renderBadValue(badValue)}`, detail) };
}

export function typeInvalidError(field: string, badValue: unknown, detail: string): FieldError {
  return { field, reason: 'FieldValueTypeInvalid', message: withDetail(`Invalid value: ${renderBadValue(badValue)}`, detail) };
}

export function notFoundError(field: string, badValue: unknown, detail?: string): FieldError {
  return { field, reason: 'FieldValueNotFound', message: withDetail(`Not found: ${renderBadValue(badValue)}`, detail) };
}

/** `<field>: <message>`, one cause as OpenShift prints it. */
export function fieldErrorText(error: FieldError): string {
  return `${error.field}: ${error.message}`;
}

/**
 * The message of OpenShift's 422 for a template:
 * `Template.template.openshift.io "<name>" is invalid: <causes>`, where several causes are
 * joined as `[a, b]` with duplicates dropped.
 */
export function invalidTemplateMessage(templateName: string, errors: readonly FieldError[]): string {
  const texts = [...new Set(errors.map(fieldErrorText))];
  const causes = texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return `Template.template.openshift.io ${JSON.stringify(templateName)} is invalid: ${causes}`;
}

/** Compact JSON of a bad value, cut to a readable length (a whole manifest can be the bad value). */
export function renderBadValue(value: unknown): string {
  let rendered: string;
  try {
    rendered = value === undefined ? 'null' : stringifyJson(value as JsonValue);
  } catch {
    return '<value nested too deeply to show>';
  }
  return rendered.length > MAX_RENDERED_VALUE_LENGTH ? `${rendered.slice(0, MAX_RENDERED_VALUE_LENGTH)}…(truncated)` : rendered;
}

function withDetail(body: string, detail: string | undefined): string {
  return detail ? `${body}: ${detail}` : body;
}
