import { ImageStreamInput } from './api/image-stream-input';
import { CreateImageStreamMappingRequest } from './api/image-stream-mapping';
import { RoleInput } from './api/rbac';
import { CreateWebhookSubscriptionRequest } from './api/webhook-subscription';
import { validatePayload } from './validation';

const digest = `sha256:${'a'.repeat(64)}`;

describe('validatePayload', () => {
  it('accepts a well-formed mapping and strips unknown fields', () => {
    const result = validatePayload(CreateImageStreamMappingRequest, { metadata: { name: 'web' }, image: { metadata: { name: digest } }, tag: 'latest', extra: 1 });
    expect(result.ok).toBe(true);
    if (result.ok) expect((result.value as unknown as Record<string, unknown>)['extra']).toBeUndefined();
  });

  it('reports each missing field once, as FieldValueRequired, with dotted paths', () => {
    const result = validatePayload(CreateImageStreamMappingRequest, { metadata: {}, image: { metadata: {} } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.causes.map((cause) => [cause.field, cause.reason])).toEqual([
      ['metadata.name', 'FieldValueRequired'],
      ['image.metadata.name', 'FieldValueRequired'],
      ['tag', 'FieldValueRequired'],
    ]);
  });

  it.each([
    ['stream name', { metadata: { name: 'Bad_Name' }, image: { metadata: { name: digest } }, tag: 'x' }, 'metadata.name', /must match/],
    ['digest', { metadata: { name: 'web' }, image: { metadata: { name: 'sha256:abc' } }, tag: 'x' }, 'image.metadata.name', /digest/],
    ['tag', { metadata: { name: 'web' }, image: { metadata: { name: digest } }, tag: '.hidden' }, 'tag', /must match/],
    ['pull spec', { metadata: { name: 'web' }, image: { metadata: { name: digest }, dockerImageReference: 'Upper/Case' }, tag: 'x' }, 'image.dockerImageReference', /./],
  ])('rejects an invalid %s with FieldValueInvalid on its field', (_what, body, field, message) => {
    const result = validatePayload(CreateImageStreamMappingRequest, body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const cause = result.causes.find((c) => c.field === field);
    expect(cause?.reason).toBe('FieldValueInvalid');
    expect(cause?.message).toMatch(message);
  });

  it.each([
    ['a label value that is a number', { labels: { app: 7 } }, 'metadata.labels', /value of "app": must be a string/],
    ['a label value Kubernetes would refuse', { labels: { app: 'two words' } }, 'metadata.labels', /value of "app": must consist/],
    ['an annotation key with a space', { annotations: { 'bad key': 'x' } }, 'metadata.annotations', /key "bad key"/],
    ['annotations that are a list', { annotations: ['x'] }, 'metadata.annotations', /must map annotation keys to string values/],
  ])('rejects %s in any metadata, as Kubernetes does', (_what, meta, field, message) => {
    const result = validatePayload(CreateImageStreamMappingRequest, { metadata: { name: 'web', ...meta }, image: { metadata: { name: digest } }, tag: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.causes).toEqual([expect.objectContaining({ field, reason: 'FieldValueInvalid', message: expect.stringMatching(message) })]);
  });

  it("rejects an image stream tag's annotation that is not a string, and takes any key there", () => {
    const stream = (annotations: Record<string, unknown>) => ({ metadata: { name: 'web' }, spec: { tags: [{ name: 'v1', annotations }] } });
    expect(validatePayload(ImageStreamInput, stream({ 'any key at all': 'x' })).ok).toBe(true);
    const result = validatePayload(ImageStreamInput, stream({ version: 1 }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.causes).toEqual([expect.objectContaining({ field: 'spec.tags[0].annotations', message: expect.stringMatching(/value of "version": must be a string/) })]);
  });

  it('names array elements with [index] and unsupported values with FieldValueNotSupported', () => {
    const result = validatePayload(CreateWebhookSubscriptionRequest, { metadata: { name: 'hook' }, spec: { url: 'http://example.test/x', events: ['tag.changed', 'nope'] } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.causes).toEqual([expect.objectContaining({ field: 'spec.events', reason: 'FieldValueNotSupported' })]);
  });

  it.each([
    ['image', { metadata: { name: 'web' }, image: [], tag: 'x' }, 'image'],
    ['metadata', { metadata: [], image: { metadata: { name: digest } }, tag: 'x' }, 'metadata'],
    ['image.metadata', { metadata: { name: 'web' }, image: { metadata: [{ name: digest }] }, tag: 'x' }, 'image.metadata'],
  ])('rejects an array where the nested object %s belongs (class-validator would validate its elements instead)', (_what, body, field) => {
    const result = validatePayload(CreateImageStreamMappingRequest, body);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.causes.map((cause) => cause.field)).toContain(field);
  });

  it('rejects an array or null among a list of nested objects', () => {
    for (const rules of [[[]], [null]]) {
      const result = validatePayload(RoleInput, { metadata: { name: 'reader' }, rules });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.causes.map((cause) => cause.field)).toContain('rules');
    }
  });

  it('rejects a body that is not an object', () => {
    expect(validatePayload(CreateImageStreamMappingRequest, [1, 2]).ok).toBe(false);
    expect(validatePayload(CreateImageStreamMappingRequest, 'text').ok).toBe(false);
  });
});
