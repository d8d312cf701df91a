import { randomUUID } from 'node:crypto';
import { RequestSubjects } from '../subjects';
import { excessiveNesting, MAX_TEMPLATE_BYTES, MAX_TEMPLATE_NESTING_DEPTH, templateLimitViolation } from './template';

/** NATS's default `max_payload`, which docker-compose's server runs with. */
const NATS_DEFAULT_MAX_PAYLOAD = 1024 * 1024;

function nested(levels: number, leaf: unknown = 'x'): unknown {
  let value = leaf;
  for (let level = 0; level < levels; level++) value = level % 2 ? [value] : { x: value };
  return value;
}

/** A template of exactly `bytes` bytes of compact JSON, made of characters JSON has to escape. */
function templateOf(bytes: number): Record<string, unknown> {
  const empty = { metadata: { name: 'big' }, message: '' };
  const room = bytes - Buffer.byteLength(JSON.stringify(empty));
  // Each `"` takes two bytes once serialized; an odd byte is made up with a plain character.
  return { ...empty, message: '"'.repeat(Math.floor(room / 2)) + 'x'.repeat(room % 2) };
}

describe('excessiveNesting', () => {
  it.each<[unknown, number, string | undefined]>([
    [{ a: 1 }, 1, undefined],
    [{ a: { b: 1 } }, 1, 'a'],
    [[1, [2]], 1, '[1]'],
    [{ objects: [{ kind: 'A' }, { kind: 'B', spec: { x: {} } }] }, 3, 'objects[1]'],
    [{ metadata: { labels: { a: {} } } }, 3, 'metadata'],
    ['text', 0, undefined],
    [{}, 0, '<body>'],
  ])('%j deeper than %d: %s', (value, maxDepth, field) => {
    expect(excessiveNesting(value, maxDepth)).toBe(field);
  });

  it('walks any depth without recursion', () => {
    expect(excessiveNesting({ objects: [nested(1_000_000)] }, MAX_TEMPLATE_NESTING_DEPTH)).toBe('objects[0]');
    expect(excessiveNesting({ objects: [nested(MAX_TEMPLATE_NESTING_DEPTH - 3)] }, MAX_TEMPLATE_NESTING_DEPTH)).toBeUndefined();
  });
});

describe('templateLimitViolation', () => {
  it('accepts a template of exactly the limit and refuses one byte more with 413', () => {
    expect(templateLimitViolation(templateOf(MAX_TEMPLATE_BYTES))).toBeUndefined();
    expect(templateLimitViolation(templateOf(MAX_TEMPLATE_BYTES + 1))).toMatchObject({
      kind: 'Status',
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: `the template is ${MAX_TEMPLATE_BYTES + 1} bytes of JSON, more than the ${MAX_TEMPLATE_BYTES} a template may have`,
    });
  });

  it('refuses nesting nothing can process with 422 naming the template and where', () => {
    expect(templateLimitViolation({ metadata: { name: 'deep' }, objects: [{ kind: 'A' }, nested(200)] })).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: `Template.template.openshift.io "deep" is invalid: objects[1]: Invalid value: "<value nested too deeply to show>": nested deeper than ${MAX_TEMPLATE_NESTING_DEPTH} levels`,
      details: { name: 'deep', group: 'template.openshift.io', kind: 'Template', causes: [{ field: 'objects[1]', reason: 'FieldValueInvalid' }] },
    });
  });

  it('keeps the largest template small enough for one NATS request at the default max_payload', () => {
    // What OwnerClient sends for an update (the biggest request: namespace, name and template),
    // plus a generous allowance for the trace headers.
    const packet = {
      pattern: RequestSubjects.templateUpdate,
      data: { namespace: 'n'.repeat(63), name: 'm'.repeat(253), template: templateOf(MAX_TEMPLATE_BYTES) },
      id: randomUUID(),
    };
    const headers = 1024;

    expect(Buffer.byteLength(JSON.stringify(packet)) + headers).toBeLessThan(NATS_DEFAULT_MAX_PAYLOAD);
  });
});
