import { processTemplate, stringifyJson, type JsonValue, type Template } from '@imagestreams/domain-template';
import { processedSizeBound } from './processed-size';

function actualBytes(template: Record<string, unknown>, parameterValues: Record<string, string> = {}): number {
  const result = processTemplate(template as Template, { parameterValues, namespace: 'team-a' });
  if (!result.template) throw new Error(JSON.stringify(result.errors));
  return Buffer.byteLength(stringifyJson(result.template as unknown as JsonValue));
}

describe('processedSizeBound', () => {
  it.each<[string, Record<string, unknown>, Record<string, string>]>([
    ['a template without references', { metadata: { name: 't' }, objects: [{ kind: 'A', apiVersion: 'v1' }] }, {}],
    [
      'a value referenced many times, with characters JSON escapes',
      { objects: Array.from({ length: 50 }, () => ({ kind: 'A', data: '${V}${V}', key: '${{V}}' })), parameters: [{ name: 'V', value: '"\\\n'.repeat(100) }] },
      {},
    ],
    ['generated values', { objects: [{ kind: 'A', a: '${G}', b: '${G}' }], parameters: [{ name: 'G', generate: 'expression', from: 'x[\\A]{255}[a-z]{255}' }] }, {}],
    ['supplied values', { objects: [{ kind: 'A', a: '${S}' }], parameters: [{ name: 'S', value: 'short' }] }, { S: 'long'.repeat(1000) }],
    ['template labels copied into every object', { labels: { app: '${V}' }, objects: Array.from({ length: 20 }, () => ({ kind: 'Route', apiVersion: 'v1' })), parameters: [{ name: 'V', value: 'web'.repeat(20) }] }, {}],
    ['a number re-serialized longer than written', { objects: [{ kind: 'A', n: '${{N}}' }], parameters: [{ name: 'N', value: '1e20' }] }, {}],
  ])('is never below the real size: %s', (_case, template, supplied) => {
    expect(processedSizeBound(template, supplied)).toBeGreaterThanOrEqual(actualBytes(template, supplied));
  });

  it('stays close for templates that reference little', () => {
    const template = { metadata: { name: 't' }, objects: Array.from({ length: 10 }, (_, index) => ({ kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: `c${index}` }, data: { a: 'x'.repeat(1000) } })) };

    expect(processedSizeBound(template)).toBeLessThan(actualBytes(template) * 1.2);
  });

  it('sees a value multiplied into gigabytes without processing anything', () => {
    const template = { objects: [{ kind: 'A', data: '${V}'.repeat(50_000) }], parameters: [{ name: 'V', value: 'x'.repeat(100_000) }] };

    expect(processedSizeBound(template)).toBeGreaterThan(4_000_000_000);
  });
});
