import { fieldErrorText } from './field-errors';
import { validateStoredTemplate, validateTemplateForProcessing } from './template-shape';

const DNS1123_DETAIL =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character " +
  "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

describe('validateStoredTemplate (§1: what OpenShift checks on a Template it stores)', () => {
  it.each<[metadata: Record<string, unknown> | undefined, errors: string[]]>([
    [{ name: 'rails-postgresql-example' }, []],
    [{ name: 'a.b-c' }, []],
    [{ generateName: 'template-' }, []],
    [undefined, ['metadata.name: Required value: name or generateName is required']],
    [{ name: '' }, ['metadata.name: Required value: name or generateName is required']],
    [{ name: 'Upper' }, [`metadata.name: Invalid value: "Upper": ${DNS1123_DETAIL}`]],
    [{ name: 'under_score' }, [`metadata.name: Invalid value: "under_score": ${DNS1123_DETAIL}`]],
    [{ name: '-leading' }, [`metadata.name: Invalid value: "-leading": ${DNS1123_DETAIL}`]],
    [{ name: 'a'.repeat(254) }, [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`]],
    [{ name: 5 }, ['metadata.name: Invalid value: 5: must be a string']],
  ])('metadata %j', (metadata, errors) => {
    expect(validateStoredTemplate({ kind: 'Template', metadata, objects: [] }).map(fieldErrorText)).toEqual(errors);
  });

  it('reports the name first, then the processing checks', () => {
    expect(validateStoredTemplate({ metadata: { name: 'X' }, parameters: [{ name: 'a-b' }] }).map((error) => error.field)).toEqual(['metadata.name', 'parameters[0].name']);
  });
});

describe('validateTemplateForProcessing', () => {
  it('does not check the template name (processedtemplates only checks parameters)', () => {
    expect(validateTemplateForProcessing({ metadata: { name: 'Not A DNS Name' }, objects: [] })).toEqual([]);
  });

  it.each([null, 'text', 3, []])('rejects %j as a template', (template) => {
    expect(validateTemplateForProcessing(template)).toEqual([expect.objectContaining({ field: 'template', reason: 'FieldValueTypeInvalid' })]);
  });

  it('rejects metadata nested deeper than the limit', () => {
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 200; level++) deep = { deeper: deep };
    expect(validateTemplateForProcessing({ metadata: { name: 't', annotations: deep } })).toEqual([
      { field: 'metadata', reason: 'FieldValueInvalid', message: 'Invalid value: <value nested too deeply to show>: nested deeper than 100 levels' },
    ]);
  });
});
