import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import type { ClassType } from './define-event';
import type { CauseType, StatusCause } from './api/status';
import { cacheValidationMetadataLookups } from './validation-metadata-cache';

cacheValidationMetadataLookups();

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; causes: StatusCause[] };

const REQUIRED_CONSTRAINTS = new Set(['isDefined', 'isNotEmpty']);
const NOT_SUPPORTED_CONSTRAINTS = new Set(['isIn', 'isEnum']);
const TOO_LONG_CONSTRAINTS = new Set(['maxLength', 'arrayMaxSize']);

function causeType(constraint: string, value: unknown): CauseType {
  if (REQUIRED_CONSTRAINTS.has(constraint) || value === undefined || value === null) return 'FieldValueRequired';
  if (NOT_SUPPORTED_CONSTRAINTS.has(constraint)) return 'FieldValueNotSupported';
  if (TOO_LONG_CONSTRAINTS.has(constraint)) return 'FieldValueTooLong';
  return 'FieldValueInvalid';
}

function fieldPath(parent: string, property: string): string {
  if (/^\d+$/.test(property)) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** Flattens class-validator's error tree into Kubernetes causes with dotted field paths. */
export function toCauses(errors: ValidationError[], parent = ''): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const error of errors) {
    const field = fieldPath(parent, error.property);
    const constraints = Object.entries(error.constraints ?? {});
    // Report the most specific problem once per field: a missing value makes every other rule noise.
    const required = constraints.find(([name]) => causeType(name, error.value) === 'FieldValueRequired');
    for (const [name, message] of required ? [required] : constraints) {
      causes.push({ reason: causeType(name, error.value), message: message.replace(new RegExp(`^${error.property} `), ''), field });
    }
    if (error.children?.length) causes.push(...toCauses(error.children, field));
  }
  return causes;
}

/**
 * Validates untrusted JSON against a contract class. Unknown properties are stripped, never
 * trusted; `forbidUnknownValues` rejects non-objects where an object is expected.
 */
export function validatePayload<T extends object>(cls: ClassType<T>, plain: unknown): ValidationResult<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, causes: [{ reason: 'FieldValueInvalid', message: 'must be a JSON object', field: '<body>' }] };
  }
  const instance = plainToInstance(cls as ClassType<T>, plain as object) as T;
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: true, validationError: { target: false } });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, causes: toCauses(errors) };
}
