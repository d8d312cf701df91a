import { SUBSCRIBABLE_EVENT_TYPES } from '../../api/webhook-subscription';
import { envelopeProblems } from '../../envelope';
import { EventSubjects } from '../../subjects';
import { validatePayload } from '../../validation';
import { eventDefinitionForSubject, isInternalEventType } from '../event-catalog';
import { NamespaceDeleted, NamespaceDeletedV1 } from './namespace-deleted.v1';

describe('namespace.deleted v1', () => {
  it('is the catalog entry of its subject, under the IMAGE_EVENTS prefix', () => {
    expect(eventDefinitionForSubject(EventSubjects.namespaceDeleted)).toBe(NamespaceDeleted);
    expect(NamespaceDeleted.subject.startsWith(EventSubjects.allImageEvents.slice(0, -1))).toBe(true);
    expect(NamespaceDeleted.shortType).toBe('namespace.deleted');
  });

  it('is internal: no webhook subscription may ask for it', () => {
    expect(isInternalEventType(NamespaceDeleted.type)).toBe(true);
    expect(SUBSCRIBABLE_EVENT_TYPES).not.toContain('namespace.deleted');
  });

  it('accepts a payload with a numeric resourceVersion and refuses one without', () => {
    expect(validatePayload(NamespaceDeletedV1, { namespace: 'team-a', actor: 'alice', resourceVersion: '42' }).ok).toBe(true);
    for (const data of [{ namespace: 'team-a', actor: 'alice' }, { namespace: 'team-a', actor: 'alice', resourceVersion: 'v42' }, { actor: 'alice', resourceVersion: '42' }]) {
      expect(validatePayload(NamespaceDeletedV1, data).ok).toBe(false);
    }
  });

  it('accepts a time with microseconds (what stream-service stamps from Postgres)', () => {
    const event = { specversion: '1.0', id: 'x', type: NamespaceDeleted.type, source: 's', time: '2026-11-27T12:00:00.123456Z', data: {} };
    expect(envelopeProblems(event)).toEqual([]);
  });
});
