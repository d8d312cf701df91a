import { createCloudEvent, envelopeProblems } from './envelope';
import { TagChanged } from './events/image/tag-changed.v1';
import { eventDefinitionForSubject } from './events/event-catalog';

describe('CloudEvents envelope', () => {
  it('creates a CloudEvents 1.0 structured event with a UUID id and RFC 3339 time', () => {
    const event = createCloudEvent({ type: TagChanged.type, source: '/test', subject: 'namespaces/a/imagestreams/b:c', data: { x: 1 } });
    expect(event).toMatchObject({ specversion: '1.0', type: 'io.imagestreams.tag.changed.v1', source: '/test', datacontenttype: 'application/json', data: { x: 1 } });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(event.time).toISOString()).toBe(event.time);
    expect(envelopeProblems(event)).toEqual([]);
  });

  it.each([
    [null, 'envelope must be a JSON object'],
    [{ specversion: '0.3', id: 'x', type: 't', source: 's', time: '2026-01-01T00:00:00Z', data: {} }, 'specversion must be "1.0"'],
    [{ specversion: '1.0', type: 't', source: 's', time: '2026-01-01T00:00:00Z', data: {} }, 'id is required'],
    [{ specversion: '1.0', id: 'x', type: 't', source: 's', time: 'yesterday', data: {} }, 'time must be RFC 3339'],
    [{ specversion: '1.0', id: 'x', type: 't', source: 's', time: '2026-01-01T00:00:00Z' }, 'data must be an object'],
  ])('finds the problem in %j', (envelope, problem) => {
    expect(envelopeProblems(envelope)).toContain(problem);
  });

  it('binds subject, type and short type of each event definition', () => {
    expect(TagChanged.shortType).toBe('tag.changed');
    expect(eventDefinitionForSubject('imagestreams.evt.image.tag.changed.v1')).toBe(TagChanged);
    expect(eventDefinitionForSubject('imagestreams.evt.image.unknown.v1')).toBeUndefined();
  });
});
