import { ProcessTemplateCommand, StatusError, type Status } from '@imagestreams/contracts';
import { ProcessedTemplatesRequests } from './processed-templates.requests';

const handler = new ProcessedTemplatesRequests();

function process(command: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(handler.process({ namespace: 'team-a', ...command } as ProcessTemplateCommand).bytes.toString('utf8')) as Record<string, unknown>;
}

function failure(command: Record<string, unknown>): Status {
  try {
    handler.process({ namespace: 'team-a', ...command } as ProcessTemplateCommand);
  } catch (error) {
    if (error instanceof StatusError) return error.status;
    throw error;
  }
  throw new Error('expected a StatusError');
}

describe('ProcessedTemplatesRequests', () => {
  it('processes the template in the request: values from the body, generated ones, namespace filled in', () => {
    const processed = process({
      template: {
        kind: 'Template',
        apiVersion: 'v1',
        metadata: { name: 'db' },
        objects: [{ kind: 'Route', apiVersion: 'v1', metadata: { name: '${NAME}', namespace: 'elsewhere' }, spec: { host: '${NAME}-${USER}.example' } }],
        parameters: [
          { name: 'NAME', value: 'web' },
          { name: 'USER', generate: 'expression', from: 'user[A-Z0-9]{3}' },
        ],
      },
    });

    expect(processed).toMatchObject({ kind: 'Template', apiVersion: 'template.openshift.io/v1', metadata: { name: 'db', namespace: 'team-a' } });
    const [route] = processed['objects'] as { apiVersion: string; metadata: Record<string, unknown>; spec: { host: string } }[];
    expect(route.apiVersion).toBe('route.openshift.io/v1');
    expect(route.metadata).toEqual({ name: 'web' });
    expect(route.spec.host).toMatch(/^web-user[A-Z0-9]{3}\.example$/);
  });

  it('answers JSON text that keeps integers beyond 2^53 exact', () => {
    const json = handler
      .process({
        namespace: 'team-a',
        template: { objects: [{ kind: 'A', n: '${{BIG}}' }], parameters: [{ name: 'BIG', value: '9223372036854775807' }] },
      } as ProcessTemplateCommand)
      .bytes.toString('utf8');

    expect(json).toContain('"n":9223372036854775807');
  });

  it('applies supplied values and names an unknown one in a 422', () => {
    const template = { metadata: { name: 't' }, objects: [{ kind: 'A', a: '${A}' }], parameters: [{ name: 'A', value: 'default' }] };

    expect((process({ template, parameterValues: { A: 'given' } })['objects'] as { a: string }[])[0].a).toBe('given');
    expect(failure({ template, parameterValues: { A: 'x', NOPE: 'y' } })).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'Template.template.openshift.io "t" is invalid: parameters: Not found: "NOPE": unknown parameter name "NOPE"',
      details: { name: 't', group: 'template.openshift.io', kind: 'Template', causes: [{ field: 'parameters', reason: 'FieldValueNotFound' }] },
    });
    expect((process({ template, parameterValues: { NOPE: 'y' }, ignoreUnknownParameters: true })['objects'] as { a: string }[])[0].a).toBe('default');
  });

  it('reports every parameter error together with OpenShift field paths and texts', () => {
    const status = failure({
      template: {
        metadata: { name: 'cache' },
        objects: [],
        parameters: [
          { name: 'OK', value: 'x' },
          { name: 'APPLICATION_USER', required: true },
          { name: 'GEN', generate: 'random' },
        ],
      },
    });

    expect(status.details?.causes).toEqual([
      {
        field: 'template.parameters[1]',
        reason: 'FieldValueRequired',
        message: 'Required value: template.parameters[1]: parameter APPLICATION_USER is required and must be specified',
      },
      { field: 'template.parameters[2]', reason: 'FieldValueInvalid', message: `Invalid value: "random": Unknown generator name 'random' for parameter GEN` },
    ]);
    expect(status.message).toBe(
      `Template.template.openshift.io "cache" is invalid: [template.parameters[1]: Required value: template.parameters[1]: parameter APPLICATION_USER is required and must be specified, template.parameters[2]: Invalid value: "random": Unknown generator name 'random' for parameter GEN]`,
    );
  });

  it.each([
    ['a string', 'text', /unable to handle object: expected a JSON object, got a string/],
    ['an object without kind', { metadata: {} }, /Object 'Kind' is missing/],
    ['an object nested deeper than processing allows', nested(110), /nested deeper than 100 levels/],
  ])('answers objects holding %s with 422 on item[i].objects', (_case, object, message) => {
    const status = failure({ template: { metadata: { name: 't' }, objects: [{ kind: 'Fine' }, object] } });

    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(status.details?.causes).toEqual([{ field: 'item[1].objects', reason: 'FieldValueInvalid', message: expect.stringMatching(message) }]);
  });

  it('answers a template whose result would be too large with 413 before building it', () => {
    const status = failure({ template: { objects: [{ kind: 'A', data: '${V}'.repeat(10_000) }], parameters: [{ name: 'V', value: 'x'.repeat(10_000) }] } });

    expect(status).toMatchObject({ code: 413, reason: 'RequestEntityTooLarge' });
  });

  it('refuses a non-string supplied value with 400', () => {
    expect(failure({ template: { objects: [] }, parameterValues: { A: 1 } })).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

function nested(levels: number): unknown {
  let value: unknown = { kind: 'Deep' };
  for (let level = 1; level < levels; level++) value = { kind: 'Deep', x: value };
  return value;
}
