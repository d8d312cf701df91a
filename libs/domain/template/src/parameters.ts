import { EXPRESSION_GENERATOR, InvalidExpressionError, generateExpression } from './expression-generator';
import { invalidError, notFoundError, requiredError } from './field-errors';
import type { ParameterValueMap } from './substitution';
import type { FieldError, RandomSource, TemplateParameter } from './types';

export interface ParameterOutcome {
  parameters: TemplateParameter[];
  errors: FieldError[];
}

/**
 * Sets caller-supplied values the way `oc process -p` does: the value replaces the default and
 * `generate` is cleared, so a supplied value (even an empty one) is never regenerated. With
 * duplicated names only the first parameter receives the value. Names no parameter has are
 * errors unless `ignoreUnknown`.
 */
export function applySuppliedValues(
  parameters: readonly TemplateParameter[],
  supplied: Readonly<Record<string, string>>,
  ignoreUnknown: boolean,
): ParameterOutcome {
  const result = parameters.map((parameter) => ({ ...parameter }));
  const firstIndexByName = new Map<string, number>();
  result.forEach((parameter, index) => {
    if (!firstIndexByName.has(parameter.name)) firstIndexByName.set(parameter.name, index);
  });
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(supplied)) {
    const index = firstIndexByName.get(name);
    if (index === undefined) {
      if (!ignoreUnknown) errors.push(notFoundError('parameters', name, `unknown parameter name ${JSON.stringify(name)}`));
      continue;
    }
    result[index] = { ...result[index], value };
    delete result[index].generate;
  }
  return { parameters: result, errors };
}

/**
 * Gives every parameter its final value, in declaration order: a non-empty value is kept, else
 * the generator runs, else a required parameter is an error. All errors are collected (one per
 * parameter at most) so the caller can report them together; `generate`/`from` stay on
 * generated parameters.
 */
export function resolveParameterValues(parameters: readonly TemplateParameter[], random: RandomSource): ParameterOutcome {
  const errors: FieldError[] = [];
  const resolved = parameters.map((parameter, index) => {
    if (parameter.value) return parameter;
    const field = `template.parameters[${index}]`;
    let value = parameter.value ?? '';
    if (parameter.generate) {
      if (parameter.generate !== EXPRESSION_GENERATOR) {
        errors.push(invalidError(field, parameter.generate, `Unknown generator name '${parameter.generate}' for parameter ${parameter.name}`));
        return parameter;
      }
      try {
        value = generateExpression(parameter.from ?? '', random);
      } catch (error) {
        if (!(error instanceof InvalidExpressionError)) throw error;
        errors.push(invalidError(field, inGoFieldOrder(parameter), error.problems[0]));
        return parameter;
      }
    }
    if (!value && parameter.required) {
      errors.push(requiredError(field, `${field}: parameter ${parameter.name} is required and must be specified`));
    }
    return { ...parameter, value };
  });
  return { parameters: resolved, errors };
}

/** The values substitution uses: for duplicated names the last definition wins. */
export function parameterValueMap(parameters: readonly TemplateParameter[]): ParameterValueMap {
  return new Map(parameters.map((parameter) => [parameter.name, parameter.value ?? '']));
}

/**
 * The parameter with its fields in the API's order and empty ones left out, which is how
 * OpenShift writes parameters back (and quotes them in errors).
 */
export function inGoFieldOrder(parameter: TemplateParameter): TemplateParameter {
  const { name, displayName, description, value, generate, from, required } = parameter;
  return {
    name,
    ...(displayName ? { displayName } : {}),
    ...(description ? { description } : {}),
    ...(value ? { value } : {}),
    ...(generate ? { generate } : {}),
    ...(from ? { from } : {}),
    ...(required ? { required } : {}),
  };
}
