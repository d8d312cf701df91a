export {
  processTemplate,
  type ProcessTemplateOptions,
  type ProcessTemplateResult,
} from './process-template';
export {
  EXPRESSION_GENERATOR,
  generateExpression,
  InvalidExpressionError,
  validateExpression,
} from './expression-generator';
export { validateStoredTemplate, validateTemplateForProcessing } from './template-shape';
export { fieldErrorText, invalidTemplateMessage } from './field-errors';
export { JsonDepthError, parseJsonLosslessly, stringifyJson } from './lossless-json';
export { legacyKindGroup } from './legacy-api-versions';
export { cryptoRandom } from './random-source';
export { MAX_GENERATED_LENGTH, MAX_OBJECT_DEPTH, MAX_RENDERED_VALUE_LENGTH, MIN_GENERATED_LENGTH } from './limits';
export type {
  FieldError,
  FieldErrorReason,
  JsonObject,
  JsonValue,
  ProcessedTemplate,
  RandomSource,
  Template,
  TemplateParameter,
} from './types';
