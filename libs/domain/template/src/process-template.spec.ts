import { fieldErrorText, invalidTemplateMessage } from './field-errors';
import { MAX_OBJECT_DEPTH } from './limits';
import { processTemplate, type ProcessTemplateOptions } from './process-template';
import type { FieldError, JsonObject, JsonValue, ProcessedTemplate, Template, TemplateParameter } from './types';

// One row per rule of the reference's §2 (processing), with §1's template-level rules and §14's
// deliberate differences; section numbers in the describe titles point back to it.

const firstIndex = () => 0;

function template(fields: Partial<Template> = {}): Template {
  return { apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name: 'test' }, objects: [], ...fields };
}

/** The result, typed as if objects and parameters were present (the rows that check their absence compare whole values). */
type Processed = ProcessedTemplate & { objects: JsonObject[]; parameters: TemplateParameter[] };

function processed(input: Template, options: ProcessTemplateOptions = {}): Processed {
  const result = processTemplate(input, { random: firstIndex, ...options });
  if (result.errors) throw new Error(`expected success, got ${JSON.stringify(result.errors, null, 2)}`);
  return result.template as Processed;
}

function failed(input: Template, options: ProcessTemplateOptions = {}): FieldError[] {
  const result = processTemplate(input, { random: firstIndex, ...options });
  if (!result.errors) throw new Error(`expected errors, got ${JSON.stringify(result.template)}`);
  return result.errors;
}

const object = (fields: JsonObject = {}): JsonObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'o' }, ...fields });
const parameters = (values: Record<string, string>): TemplateParameter[] => Object.entries(values).map(([name, value]) => ({ name, value }));

/** Processes one object holding `data` and returns its processed `data`. */
function substitutedData(data: JsonValue, values: Record<string, string>): JsonValue {
  return processed(template({ parameters: parameters(values), objects: [object({ data })] })).objects[0]['data'];
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('processTemplate', () => {
  describe('§1 the Template object', () => {
    it.each([
      ['template.openshift.io/v1', 'Template'],
      ['v1', 'Template'],
      ['v1', 'TemplateConfig'],
      ['v1', 'ProcessedTemplate'],
    ])('writes a %s %s back as template.openshift.io/v1 Template', (apiVersion, kind) => {
      const result = processed(template({ apiVersion, kind }));
      expect([result.apiVersion, result.kind]).toEqual(['template.openshift.io/v1', 'Template']);
    });

    it('never substitutes into metadata (name, labels, annotations)', () => {
      const metadata = { name: '${A}', labels: { l: '${A}' }, annotations: { description: '${A}' } };
      expect(processed(template({ metadata, parameters: parameters({ A: 'a' }) })).metadata).toEqual(metadata);
    });

    it('substitutes into message', () => {
      expect(processed(template({ message: 'hello ${A}', parameters: parameters({ A: 'a' }) })).message).toBe('hello a');
    });

    it('substitutes into both keys and values of labels', () => {
      expect(processed(template({ labels: { '${K}': '${V}', fixed: 'x-${V}' }, parameters: parameters({ K: 'key', V: 'val' }) })).labels).toEqual({
        key: 'val',
        fixed: 'x-val',
      });
    });

    it.each<[name: unknown, error: FieldError]>([
      ['', { field: 'parameters[0].name', reason: 'FieldValueRequired', message: 'Required value' }],
      [undefined, { field: 'parameters[0].name', reason: 'FieldValueRequired', message: 'Required value' }],
      ['a-b', { field: 'parameters[0].name', reason: 'FieldValueInvalid', message: 'Invalid value: "a-b": does not match ^[a-zA-Z0-9_]+$' }],
      ['A B', { field: 'parameters[0].name', reason: 'FieldValueInvalid', message: 'Invalid value: "A B": does not match ^[a-zA-Z0-9_]+$' }],
      ['${A}', { field: 'parameters[0].name', reason: 'FieldValueInvalid', message: 'Invalid value: "${A}": does not match ^[a-zA-Z0-9_]+$' }],
    ])('validates parameter name %j before processing', (name, error) => {
      expect(failed(template({ parameters: [{ name, value: 'x' } as TemplateParameter] }))).toEqual([error]);
    });

    it.each(['lower', '1ST', '_', 'A_B_9'])('accepts the parameter name %j', (name) => {
      expect(processed(template({ parameters: [{ name, value: 'x' }] })).parameters).toEqual([{ name, value: 'x' }]);
    });

    it('reports every invalid name together, before any generator runs', () => {
      const errors = failed(
        template({
          parameters: [
            { name: 'a-b', value: 'x' },
            { name: 'OK', generate: 'expression', from: '[a-z]{0}' },
            { name: '', value: 'y' },
          ],
        }),
      );
      expect(errors.map((error) => error.field)).toEqual(['parameters[0].name', 'parameters[2].name']);
    });
  });

  describe('§2.1 order of operations', () => {
    it('keeps a non-empty value and neither generates nor checks it', () => {
      const result = processed(template({ parameters: [{ name: 'P', value: 'given', generate: 'expression', from: '[ABC]{0}', required: true }] }));
      expect(result.parameters).toEqual([{ name: 'P', value: 'given', generate: 'expression', from: '[ABC]{0}', required: true }]);
    });

    it('generates an empty value and keeps generate/from on the parameter', () => {
      const result = processed(template({ parameters: [{ name: 'P', generate: 'expression', from: 'user[A-Z0-9]{3}' }] }));
      expect(result.parameters).toEqual([{ name: 'P', value: 'userAAA', generate: 'expression', from: 'user[A-Z0-9]{3}' }]);
    });

    it('fails a required parameter that is still empty', () => {
      expect(failed(template({ parameters: [{ name: 'P', required: true }] }))).toEqual([
        {
          field: 'template.parameters[0]',
          reason: 'FieldValueRequired',
          message: 'Required value: template.parameters[0]: parameter P is required and must be specified',
        },
      ]);
    });

    it('accepts an empty optional parameter and substitutes ""', () => {
      expect(substitutedData({ k: 'a${P}b' }, { P: '' })).toEqual({ k: 'ab' });
    });

    it('collects every parameter error, continues past each, and substitutes nothing', () => {
      const errors = failed(
        template({
          message: '${OK}',
          parameters: [
            { name: 'ZERO', generate: 'expression', from: '[a-z]{0}' },
            { name: 'OK', generate: 'expression', from: '[a-z]{3}' },
            { name: 'UNKNOWN_GEN', generate: 'random' },
            { name: 'NEEDED', required: true },
            { name: 'BAD_GEN_REQUIRED', generate: 'random', required: true },
          ],
          objects: [{ no: 'kind' }],
        }),
      );
      expect(errors.map(fieldErrorText)).toEqual([
        'template.parameters[0]: Invalid value: {"name":"ZERO","generate":"expression","from":"[a-z]{0}"}: range must be within [1-255] characters (0)',
        'template.parameters[2]: Invalid value: "random": Unknown generator name \'random\' for parameter UNKNOWN_GEN',
        'template.parameters[3]: Required value: template.parameters[3]: parameter NEEDED is required and must be specified',
        'template.parameters[4]: Invalid value: "random": Unknown generator name \'random\' for parameter BAD_GEN_REQUIRED',
      ]);
    });

    it('runs message, labels and every object through substitution in order', () => {
      const result = processed(
        template({
          message: 'm-${A}',
          labels: { l: '${A}' },
          parameters: parameters({ A: 'a' }),
          objects: [object({ metadata: { name: 'first-${A}' } }), object({ metadata: { name: 'second-${A}' } })],
        }),
      );
      expect(result.message).toBe('m-a');
      expect(result.objects.map((item) => (item['metadata'] as JsonObject)['name'])).toEqual(['first-a', 'second-a']);
      expect(result.objects.map((item) => (item['metadata'] as JsonObject)['labels'])).toEqual([{ l: 'a' }, { l: 'a' }]);
    });

    it('returns the resolved parameters in declaration order with empty fields left out', () => {
      const result = processed(
        template({
          parameters: [
            { required: false, description: '', displayName: 'Shown', name: 'A', value: 'a' },
            { name: 'B', generate: '', from: '' },
          ],
        }),
      );
      expect(result.parameters).toEqual([{ name: 'A', displayName: 'Shown', value: 'a' }, { name: 'B' }]);
      expect(Object.keys(result.parameters[0])).toEqual(['name', 'displayName', 'value']);
    });
  });

  describe('§2.2 supplying values', () => {
    const generated: TemplateParameter = { name: 'P', generate: 'expression', from: '[a-z]{8}', required: true };

    it('replaces the default and clears generate, so a supplied value is never regenerated', () => {
      const result = processed(template({ parameters: [generated, { name: 'D', value: 'default' }] }), { parameterValues: { P: 'mine', D: 'other' } });
      expect(result.parameters).toEqual([
        { name: 'P', value: 'mine', from: '[a-z]{8}', required: true },
        { name: 'D', value: 'other' },
      ]);
    });

    it('fails a required parameter supplied as empty, because its generator was cleared', () => {
      expect(failed(template({ parameters: [generated] }), { parameterValues: { P: '' } })).toEqual([
        expect.objectContaining({ field: 'template.parameters[0]', reason: 'FieldValueRequired' }),
      ]);
    });

    it('skips expression validation for a supplied value', () => {
      const broken: TemplateParameter = { name: 'P', generate: 'expression', from: 'plain' };
      expect(processed(template({ parameters: [broken] }), { parameterValues: { P: 'x' } }).parameters).toEqual([{ name: 'P', value: 'x', from: 'plain' }]);
    });

    it('rejects names the template has no parameter for, all of them', () => {
      expect(failed(template({ parameters: parameters({ A: 'a' }) }), { parameterValues: { X: '1', A: '2', Y: '3' } })).toEqual([
        { field: 'parameters', reason: 'FieldValueNotFound', message: 'Not found: "X": unknown parameter name "X"' },
        { field: 'parameters', reason: 'FieldValueNotFound', message: 'Not found: "Y": unknown parameter name "Y"' },
      ]);
    });

    it('reports unknown names together with the parameter errors', () => {
      const errors = failed(template({ parameters: [{ name: 'R', required: true }] }), { parameterValues: { X: '1' } });
      expect(errors.map((error) => error.reason)).toEqual(['FieldValueNotFound', 'FieldValueRequired']);
    });

    it('ignores unknown names when asked to', () => {
      expect(processed(template({ parameters: parameters({ A: 'a' }) }), { parameterValues: { X: '1' }, ignoreUnknownParameters: true }).parameters).toEqual([
        { name: 'A', value: 'a' },
      ]);
    });
  });

  describe('§2.3 the expression generator, through parameters', () => {
    it('gives the generated text the shape of `from`', () => {
      const result = processed(template({ parameters: [{ name: 'U', generate: 'expression', from: 'user[A-Z0-9]{3}' }] }), { random: undefined });
      expect(result.parameters[0].value).toMatch(/^user[A-Z0-9]{3}$/);
    });

    it.each<[from: string, message: string]>([
      ['[a-z]{0}', 'range must be within [1-255] characters (0)'],
      ['[a-z]{256}', 'range must be within [1-255] characters (256)'],
      ['[ABC]{3}', 'malformed expresion syntax: [ABC]'],
      ['[Z-A]{3}', 'invalid range specified: Z-A'],
    ])('reports OpenShift\'s error for %j with the parameter as the bad value', (from, message) => {
      expect(failed(template({ parameters: [{ name: 'P', description: 'd', generate: 'expression', from, required: true }] }))).toEqual([
        {
          field: 'template.parameters[0]',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify({ name: 'P', description: 'd', generate: 'expression', from, required: true })}: ${message}`,
        },
      ]);
    });
  });

  describe('§2.4 ${NAME} string substitution', () => {
    const values = { A: 'a', B: 'b', REF: '${B}', EMPTY: '', lower: 'low', '1ST': 'first', DOLLAR: '$&$1' };
    it.each<[input: string, output: string]>([
      ['${A}', 'a'],
      ['http://${A}${B}', 'http://ab'],
      ['x ${A} y ${A} z', 'x a y a z'],
      ['${lower}', 'low'],
      ['${1ST}', 'first'],
      ['${UNKNOWN}', '${UNKNOWN}'],
      ['${a-b}', '${a-b}'],
      ['${ A }', '${ A }'],
      ['${}', '${}'],
      ['$A', '$A'],
      ['{A}', '{A}'],
      ['$${A}', '$a'],
      ['${${A}}', '${a}'],
      ['${REF}', '${B}'],
      ['${REF}-${B}', 'b-${B}'],
      ['${B}-${REF}', 'b-${B}'],
      ['<${EMPTY}>', '<>'],
      ['${DOLLAR}', '$&$1'],
      ['no references', 'no references'],
    ])('%j → %j', (input, output) => {
      expect(substitutedData({ value: input }, values)).toEqual({ value: output });
    });

    it('substitutes map keys, at any depth, and strings inside lists', () => {
      expect(substitutedData({ '${A}': { 'k-${B}': ['${A}', 1, true, null, { '${UNKNOWN}': '${B}' }] } }, values)).toEqual({
        a: { 'k-b': ['a', 1, true, null, { '${UNKNOWN}': 'b' }] },
      });
    });

    it('leaves numbers, booleans and nulls untouched', () => {
      expect(substitutedData({ n: 1, f: 1.5, t: true, z: null }, values)).toEqual({ n: 1, f: 1.5, t: true, z: null });
    });

    it('substitutes keys and values at the root of an object too', () => {
      const result = processed(template({ parameters: parameters(values), objects: [object({ '${A}': '${B}' })] }));
      expect(result.objects[0]).toMatchObject({ a: 'b' });
    });
  });

  describe('§2.5 ${{NAME}} whole-string JSON substitution', () => {
    it.each<[value: string, result: JsonValue]>([
      ['3', 3],
      ['-1.5', -1.5],
      ['1e3', 1000],
      [' 42 ', 42],
      ['true', true],
      ['false', false],
      ['{"a":1}', { a: 1 }],
      ['[1,"x"]', [1, 'x']],
      ['"hello"', 'hello'],
      ['hello', 'hello'],
      ['', ''],
      ['007', '007'],
      ['{"key":"value"', '{"key":"value"'],
      ['"${A}"', '${A}'],
      ['{"nested":"${A}"}', { nested: '${A}' }],
      // §14 (e): integers keep every digit (OpenShift rounds them through float64)
      ['9223372036854775807', 9223372036854775807n],
      ['123456789012345678901234567890', 123456789012345678901234567890n],
    ])('value %j in a map value becomes %j', (value, result) => {
      expect(substitutedData({ v: '${{X}}' }, { X: value, A: 'a' })).toEqual({ v: result });
    });

    it('removes a map member whose value is JSON null', () => {
      expect(substitutedData({ keep: 1, gone: '${{X}}' }, { X: 'null' })).toEqual({ keep: 1 });
    });

    it('keeps null in a list (§14 h; OpenShift crashes)', () => {
      expect(substitutedData({ list: ['a', '${{X}}', 'b'] }, { X: 'null' })).toEqual({ list: ['a', null, 'b'] });
    });

    it('keeps a null written in the template', () => {
      expect(substitutedData({ literal: null }, {})).toEqual({ literal: null });
    });

    it('puts JSON values in lists too', () => {
      expect(substitutedData({ list: ['${{X}}'] }, { X: '{"a":[1]}' })).toEqual({ list: [{ a: [1] }] });
    });

    it.each(['x${{A}}', '${{A}} ', ' ${{A}}', '${{ A }}', '${{UNKNOWN}}', '${{A}}${{A}}', '${{A-B}}'])('leaves %j literal', (text) => {
      expect(substitutedData({ v: text }, { A: '3' })).toEqual({ v: text });
    });

    it('applies string rules after the whole-string rule misses', () => {
      expect(substitutedData({ v: '${{A}}-${A}' }, { A: '3' })).toEqual({ v: '${{A}}-3' });
    });

    it('sets replicas to a number, as the cache-service template does', () => {
      expect(substitutedData({ replicas: '${{NUMBER_OF_INSTANCES}}' }, { NUMBER_OF_INSTANCES: '1' })).toEqual({ replicas: 1 });
    });

    it('keeps integers written literally in the template exact (bigint in, bigint out)', () => {
      expect(substitutedData({ big: 9223372036854775807n }, {})).toEqual({ big: 9223372036854775807n });
    });

    describe('in a map key', () => {
      it.each<[value: string, key: string]>([
        ['plain', 'plain'],
        ['"quoted"', 'quoted'],
        ['', ''],
      ])('value %j becomes the key %j', (value, key) => {
        expect(substitutedData({ '${{K}}': 'v' }, { K: value })).toEqual({ [key]: 'v' });
      });

      // §14 (f): OpenShift panics; here it is a cause on item[i].parameters.
      it.each([
        ['3', 'number'],
        ['9223372036854775807', 'number'],
        ['true', 'boolean'],
        ['null', 'null'],
        ['{"a":1}', 'object'],
        ['[1]', 'array'],
      ])('value %j (JSON %s) is an error', (value, type) => {
        expect(failed(template({ parameters: parameters({ K: value }), objects: [object(), object({ data: { '${{K}}': 'v' } })] }))).toEqual([
          {
            field: 'item[1].parameters',
            reason: 'FieldValueInvalid',
            message: `Invalid value: "\${{K}}": the value of K is JSON ${type}, and a map key can only be a string`,
          },
        ]);
      });
    });

    it.each<[message: string, result: string]>([
      ['${{INT}}', '3'],
      ['${{OBJ}}', '{"a":1}'],
      ['msg ${{INT}} / ${INT}', 'msg ${{INT}} / 3'],
      ['${{UNKNOWN}}', '${{UNKNOWN}}'],
    ])('message %j becomes %j (raw text, never parsed)', (message, result) => {
      expect(processed(template({ message, parameters: parameters({ INT: '3', OBJ: '{"a":1}' }) })).message).toBe(result);
    });

    it('replaces an exact ${{X}} label by the raw text', () => {
      expect(processed(template({ labels: { n: '${{INT}}', '${{K}}': 'v' }, parameters: parameters({ INT: '3', K: '"k"' }) })).labels).toEqual({
        n: '3',
        '"k"': 'v',
      });
    });
  });

  describe('§2.6 namespaces in objects', () => {
    it.each<[namespace: string, result: string | undefined]>([
      ['openshift', undefined],
      ['${NS}', 'mine'],
      ['team-${NS}', 'team-mine'],
      ['${NOPE}', '${NOPE}'],
      ['${{NS}}', undefined],
      ['', ''],
    ])('metadata.namespace %j → %j', (namespace, result) => {
      const output = processed(template({ parameters: parameters({ NS: 'mine' }), objects: [object({ metadata: { name: 'o', namespace } })] }));
      expect(output.objects[0]['metadata']).toEqual(result === undefined ? { name: 'o' } : { name: 'o', namespace: result });
    });

    it('adds no namespace to an object without one', () => {
      expect(processed(template({ objects: [object()] })).objects[0]['metadata']).toEqual({ name: 'o' });
    });

    it('leaves a namespace that is not under metadata alone', () => {
      expect(processed(template({ objects: [object({ namespace: 'x', spec: { namespace: 'y' } })] })).objects[0]).toMatchObject({ namespace: 'x', spec: { namespace: 'y' } });
    });

    it('fills the template\'s empty metadata.namespace with the namespace it is processed in', () => {
      expect(processed(template(), { namespace: 'project' }).metadata).toEqual({ name: 'test', namespace: 'project' });
      expect(processed(template({ metadata: { name: 't', namespace: 'own' } }), { namespace: 'project' }).metadata).toEqual({ name: 't', namespace: 'own' });
    });
  });

  describe('§2.7 labels', () => {
    const deployment = (): JsonObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd', labels: { app: 'own', tier: 'web' } },
      labels: { root: 'untouched' },
      spec: {
        selector: { matchLabels: { app: 'own' } },
        template: { metadata: { labels: { app: 'own' } } },
      },
    });

    it('merges into metadata.labels only, the template label winning on a conflict', () => {
      const result = processed(template({ labels: { app: 'template', extra: '${A}' }, parameters: parameters({ A: 'a' }), objects: [deployment()] }));
      expect(result.objects[0]).toEqual({
        ...deployment(),
        metadata: { name: 'd', labels: { app: 'template', tier: 'web', extra: 'a' } },
      });
    });

    it('creates metadata and metadata.labels when they are missing', () => {
      expect(processed(template({ labels: { a: 'b' }, objects: [{ apiVersion: 'v1', kind: 'Secret' }] })).objects[0]).toEqual({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { labels: { a: 'b' } },
      });
    });

    it('treats metadata.labels: null as no labels', () => {
      expect(processed(template({ labels: { a: 'b' }, objects: [object({ metadata: { name: 'o', labels: null } })] })).objects[0]['metadata']).toEqual({
        name: 'o',
        labels: { a: 'b' },
      });
    });

    it('leaves the pod template of a DeploymentConfig and the items of a List alone', () => {
      const dc = { apiVersion: 'apps.openshift.io/v1', kind: 'DeploymentConfig', metadata: { name: 'dc' }, spec: { selector: { name: 'dc' }, template: { metadata: { labels: { name: 'dc' } } } } };
      const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }] };
      const result = processed(template({ labels: { t: 'x' }, objects: [dc, list] }));
      expect(result.objects).toEqual([
        { ...dc, metadata: { name: 'dc', labels: { t: 'x' } } },
        { ...list, metadata: { labels: { t: 'x' } } },
      ]);
    });

    it('adds nothing when the template has no labels', () => {
      expect(processed(template({ labels: {}, objects: [{ apiVersion: 'v1', kind: 'Secret' }] })).objects).toEqual([{ apiVersion: 'v1', kind: 'Secret' }]);
    });

    it.each<[metadata: JsonValue, problem: string]>([
      ['text', 'metadata must be an object to carry the template labels'],
      [[], 'metadata must be an object to carry the template labels'],
      [{ labels: 'text' }, 'metadata.labels must map strings to strings to take the template labels'],
      [{ labels: { n: 1 } }, 'metadata.labels must map strings to strings to take the template labels'],
    ])('rejects metadata %j instead of dropping labels silently', (metadata, problem) => {
      const errors = failed(template({ labels: { a: 'b' }, objects: [object({ metadata })] }));
      expect(errors).toEqual([{ field: 'item[0].objects', reason: 'FieldValueInvalid', message: expect.stringContaining(problem) }]);
    });
  });

  describe('§2.8 legacy apiVersion: v1 groupification', () => {
    it.each<[apiVersion: string | undefined, kind: string, result: string]>([
      ['v1', 'Route', 'route.openshift.io/v1'],
      ['v1', 'DeploymentConfig', 'apps.openshift.io/v1'],
      ['v1', 'BuildConfig', 'build.openshift.io/v1'],
      ['v1', 'ImageStream', 'image.openshift.io/v1'],
      ['v1', 'RoleBinding', 'authorization.openshift.io/v1'],
      ['v1', 'Role', 'authorization.openshift.io/v1'],
      ['v1', 'Template', 'template.openshift.io/v1'],
      ['v1', 'RouteList', 'route.openshift.io/v1'],
      ['v1beta1', 'Route', 'route.openshift.io/v1beta1'],
      ['v1', 'Service', 'v1'],
      ['v1', 'Deployment', 'v1'],
      ['apps/v1', 'Deployment', 'apps/v1'],
      ['route.openshift.io/v1', 'Route', 'route.openshift.io/v1'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rbac.authorization.k8s.io/v1'],
      ['something.example.com/v1', 'Route', 'something.example.com/v1'],
      [undefined, 'Route', ''],
      [undefined, 'Service', ''],
    ])('%s %s → %j', (apiVersion, kind, result) => {
      const output = processed(template({ objects: [{ ...(apiVersion === undefined ? {} : { apiVersion }), kind }] }));
      expect(output.objects[0]['apiVersion']).toBe(result);
    });

    it('groupifies after substitution, so a parameterised kind counts', () => {
      const output = processed(template({ parameters: parameters({ KIND: 'Route' }), objects: [{ apiVersion: 'v1', kind: '${KIND}' }] }));
      expect(output.objects[0]).toEqual({ apiVersion: 'route.openshift.io/v1', kind: 'Route' });
    });
  });

  describe('§2.9 error reporting', () => {
    it('rejects an object without a kind with OpenShift\'s message', () => {
      const item = { apiVersion: 'v1', metadata: { name: 'x' } };
      expect(failed(template({ objects: [object(), item] }))).toEqual([
        {
          field: 'item[1].objects',
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(item)}: unable to handle object: Object 'Kind' is missing in '${JSON.stringify(item)}'`,
        },
      ]);
    });

    it.each<[label: string, kind: JsonValue]>([
      ['empty', ''],
      ['a number', 5],
      ['null', null],
    ])('treats a kind that is %s as missing', (_label, kind) => {
      expect(failed(template({ objects: [{ apiVersion: 'v1', kind }] }))[0].message).toContain("Object 'Kind' is missing");
    });

    it.each<[element: unknown, got: string]>([
      [null, 'null'],
      ['text', 'a string'],
      [42, 'a number'],
      [[{ kind: 'Service' }], 'an array'],
    ])('rejects the objects element %j with its path (§14 h)', (element, got) => {
      expect(failed(template({ objects: [object(), object(), element] }))).toEqual([
        { field: 'item[2].objects', reason: 'FieldValueInvalid', message: expect.stringMatching(new RegExp(`unable to handle object: expected a JSON object, got ${got}$`)) },
      ]);
    });

    it('collects the errors of every object', () => {
      const errors = failed(template({ objects: [{ a: 1 }, object(), null, { b: 2 }] }));
      expect(errors.map((error) => error.field)).toEqual(['item[0].objects', 'item[2].objects', 'item[3].objects']);
    });

    it('writes the 422 message with one cause', () => {
      const errors = failed(template({ parameters: [{ name: 'APPLICATION_USER', required: true }] }));
      expect(invalidTemplateMessage('cache-service', errors)).toBe(
        'Template.template.openshift.io "cache-service" is invalid: template.parameters[0]: Required value: template.parameters[0]: parameter APPLICATION_USER is required and must be specified',
      );
    });

    it('writes the 422 message with several causes in brackets, duplicates dropped', () => {
      const a: FieldError = { field: 'f', reason: 'FieldValueInvalid', message: 'Invalid value: "x": bad' };
      const b: FieldError = { field: 'g', reason: 'FieldValueRequired', message: 'Required value' };
      expect(invalidTemplateMessage('t', [a, b, a])).toBe('Template.template.openshift.io "t" is invalid: [f: Invalid value: "x": bad, g: Required value]');
    });
  });

  describe('§2.10 other edge cases', () => {
    it('generates and checks each copy of a duplicated name separately; the last one is substituted', () => {
      const result = processed(
        template({
          parameters: [
            { name: 'D', generate: 'expression', from: 'first[a-a]{1}' },
            { name: 'D', generate: 'expression', from: 'last[a-a]{1}' },
          ],
          objects: [object({ data: { v: '${D}' } })],
        }),
      );
      expect(result.parameters.map((parameter) => parameter.value)).toEqual(['firsta', 'lasta']);
      expect(result.objects[0]['data']).toEqual({ v: 'lasta' });
    });

    it('reports a required error for each duplicated copy', () => {
      expect(failed(template({ parameters: [{ name: 'D', required: true }, { name: 'D', required: true }] })).map((error) => error.field)).toEqual([
        'template.parameters[0]',
        'template.parameters[1]',
      ]);
    });

    it('gives a supplied value to the first copy only, so the last copy still decides substitution', () => {
      const result = processed(template({ parameters: parameters({ D: 'one' }).concat({ name: 'D', value: 'two' }), objects: [object({ data: { v: '${D}' } })] }), {
        parameterValues: { D: 'supplied' },
      });
      expect(result.parameters.map((parameter) => parameter.value)).toEqual(['supplied', 'two']);
      expect(result.objects[0]['data']).toEqual({ v: 'two' });
    });

    it('never substitutes displayName, description or value of parameters', () => {
      const parameter = { name: 'A', displayName: '${B}', description: '${B}', value: '${B}' };
      expect(processed(template({ parameters: [parameter, { name: 'B', value: 'b' }] })).parameters[0]).toEqual(parameter);
    });

    it.each<[objects: unknown[] | null | undefined, result: JsonObject[] | null]>([
      [undefined, null],
      [null, null],
      [[], []],
    ])('objects %j → %j', (objects, result) => {
      expect(processed(template({ objects })).objects).toEqual(result);
    });
  });

  describe('limits and untrusted input', () => {
    const nested = (depth: number): JsonObject => {
      let value: JsonObject = {};
      for (let level = 1; level < depth; level++) value = { n: value };
      return value;
    };

    it(`accepts an object nested ${MAX_OBJECT_DEPTH} levels deep`, () => {
      expect(processed(template({ objects: [{ ...nested(MAX_OBJECT_DEPTH), kind: 'Thing' }] })).objects).toHaveLength(1);
    });

    it.each([MAX_OBJECT_DEPTH + 1, 100_000])('rejects an object nested %i levels deep with a field error, not a stack overflow', (depth) => {
      expect(failed(template({ objects: [{ ...nested(depth), kind: 'Thing' }] }))).toEqual([
        { field: 'item[0].objects', reason: 'FieldValueInvalid', message: expect.stringContaining(`nested deeper than ${MAX_OBJECT_DEPTH} levels`) },
      ]);
    });

    it('rejects a ${{NAME}} value that would nest the object too deep', () => {
      const deepJson = '['.repeat(MAX_OBJECT_DEPTH) + ']'.repeat(MAX_OBJECT_DEPTH);
      expect(failed(template({ parameters: parameters({ X: deepJson }), objects: [object({ v: '${{X}}' })] }))).toEqual([
        { field: 'item[0].parameters', reason: 'FieldValueInvalid', message: expect.stringContaining(`would nest the object deeper than ${MAX_OBJECT_DEPTH} levels`) },
      ]);
    });

    it('cuts a huge bad value short in the message', () => {
      const [error] = failed(template({ objects: [{ data: 'x'.repeat(100_000) }] }));
      expect(error.message.length).toBeLessThan(3_000);
    });

    it.each<[fields: Record<string, unknown>, field: string]>([
      [{ parameters: 'nope' }, 'parameters'],
      [{ parameters: ['nope'] }, 'parameters[0]'],
      [{ parameters: [{ name: 'A', value: 1 }] }, 'parameters[0].value'],
      [{ parameters: [{ name: 'A', required: 'yes' }] }, 'parameters[0].required'],
      [{ parameters: [{ name: 7 }] }, 'parameters[0].name'],
      [{ labels: { a: 1 } }, 'labels[a]'],
      [{ labels: ['a'] }, 'labels'],
      [{ message: 5 }, 'message'],
      [{ objects: {} }, 'objects'],
      [{ metadata: 'm' }, 'metadata'],
    ])('rejects %j at %s', (fields, field) => {
      expect(failed({ ...template(), ...fields } as Template)).toEqual([expect.objectContaining({ field, reason: 'FieldValueTypeInvalid' })]);
    });

    it('treats JSON nulls in optional fields as absent', () => {
      const input = { ...template(), message: null, labels: null, parameters: [{ name: 'A', value: null, generate: null, from: null, required: null }] } as unknown as Template;
      expect(processed(input)).toEqual({ apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name: 'test' }, objects: [], parameters: [{ name: 'A' }] });
    });

    it('keeps an object member named __proto__ as data', () => {
      const item = JSON.parse('{"kind":"Thing","data":{"__proto__":{"x":"${A}"}}}');
      const output = processed(template({ parameters: parameters({ A: 'a' }), objects: [item] }));
      const data = output.objects[0]['data'] as JsonObject;
      expect(Object.getPrototypeOf(data)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(data, '__proto__')?.value).toEqual({ x: 'a' });
    });

    it('never modifies its input', () => {
      const input = deepFreeze(
        template({
          metadata: { name: 't', annotations: { a: 'b' } },
          message: '${A}',
          labels: { app: '${A}' },
          parameters: [{ name: 'A', value: 'a' }, { name: 'G', generate: 'expression', from: '[a-z]{4}' }, { name: 'S', generate: 'expression', from: '[a-z]{4}' }],
          objects: [
            { apiVersion: 'v1', kind: 'Route', metadata: { name: '${A}', namespace: 'hard', labels: { own: 'x' } }, spec: { v: '${{A}}', list: ['${G}'] } },
          ],
        }),
      );
      const before = structuredClone(input);
      const output = processed(input, { parameterValues: { S: 'supplied' }, namespace: 'ns' });
      expect(input).toEqual(before);
      (output.metadata['annotations'] as JsonObject)['a'] = 'changed';
      expect(input.metadata?.['annotations']).toEqual({ a: 'b' });
    });
  });

  describe('§14 deliberate differences from OpenShift', () => {
    it('(a) ranges include their last character', () => {
      const result = processed(template({ parameters: [{ name: 'Z', generate: 'expression', from: '[a-z]{5}' }] }), { random: (max) => max - 1 });
      expect(result.parameters[0].value).toBe('zzzzz');
    });

    it('(a) [a-a] is the one-character alphabet a', () => {
      expect(processed(template({ parameters: [{ name: 'A', generate: 'expression', from: '[a-a]{3}' }] })).parameters[0].value).toBe('aaa');
    });

    it('(b) \\a means letters and digits', () => {
      const result = processed(template({ parameters: [{ name: 'A', generate: 'expression', from: '[\\a]{1}' }] }), { random: (max) => max - 1 });
      expect(result.parameters[0].value).toBe('9');
    });

    it.each(['', 'plain', '[a-z]', '{3}[a-z]', 'plain[a-z]text', '[a-z]{3}{2}'])('(c) rejects the malformed expression %j on template.parameters[i]', (from) => {
      expect(failed(template({ parameters: [{ name: 'OK', value: 'v' }, { name: 'P', generate: 'expression', from }] }))).toEqual([
        { field: 'template.parameters[1]', reason: 'FieldValueInvalid', message: expect.stringMatching(/^Invalid value: \{.*\}: malformed expression /) },
      ]);
    });

    it('(c) reports a missing from as the empty expression', () => {
      expect(failed(template({ parameters: [{ name: 'P', generate: 'expression' }] }))[0].message).toBe(
        'Invalid value: {"name":"P","generate":"expression"}: malformed expression "": it has no [class]{n} generator such as [a-z0-9]{8}',
      );
    });

    it('(g) generated text is never re-parsed', () => {
      // Draws that spell "[a-b]{2}", which OpenShift would scan again as a new generator.
      const symbols = '~!@#$%^&*()-_+={}[]\\|<,>.?/"\';:`';
      const draws = [symbols.indexOf('['), 0, 1, symbols.indexOf(']'), symbols.indexOf('{'), 2, symbols.indexOf('}')];
      const random = () => draws.shift() ?? 0;
      const from = '[\\A]{1}[a-a]{1}-[a-b]{1}[\\A]{1}[\\A]{1}[\\d]{1}[\\A]{1}';
      const result = processed(template({ parameters: [{ name: 'S', generate: 'expression', from }] }), { random });
      expect(result.parameters[0].value).toBe('[a-b]{2}');
    });
  });
});
