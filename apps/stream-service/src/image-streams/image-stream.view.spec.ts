import { imageStreamView } from './image-stream.view';
import type { ImageStreamRow, TagEventRow } from './image-stream.repository';

const stream: ImageStreamRow = {
  uid: '00000000-0000-4000-8000-000000000001',
  namespace: 'team-a',
  name: 'web',
  generation: '3',
  resource_version: '42',
  labels: {},
  annotations: {},
  spec: {},
  tag_conditions: {},
  created_at: new Date('2026-11-27T10:00:00Z'),
};

function event(id: string, tag: string, image: string): TagEventRow {
  return { id, image_stream_uid: stream.uid, tag, image, docker_image_reference: `r/team-a/web@${image}`, generation: '2', created_at: new Date('2026-11-27T11:00:00Z') };
}

describe('imageStreamView', () => {
  it('renders OpenShift v1 JSON with tags sorted by name and history in the given (newest-first) order', () => {
    const view = imageStreamView(stream, [event('3', 'latest', 'sha256:b'), event('1', 'latest', 'sha256:a'), event('2', 'beta', 'sha256:c')], { internal: 'registry.local:5000' });
    expect(view).toMatchObject({
      kind: 'ImageStream',
      apiVersion: 'image.openshift.io/v1',
      metadata: { name: 'web', namespace: 'team-a', resourceVersion: '42', generation: 3 },
      spec: { lookupPolicy: { local: false } },
      status: { dockerImageRepository: 'registry.local:5000/team-a/web' },
    });
    expect(view.status.tags?.map((tag) => tag.tag)).toEqual(['beta', 'latest']);
    expect(view.status.tags?.[1].items?.map((item) => item.image)).toEqual(['sha256:b', 'sha256:a']);
    expect(view.status.publicDockerImageRepository).toBeUndefined();
  });

  it('adds publicDockerImageRepository only when a public host is configured, and omits empty tags', () => {
    const view = imageStreamView(stream, [], { internal: 'in:5000', public: 'registry.example.com' });
    expect(view.status.publicDockerImageRepository).toBe('registry.example.com/team-a/web');
    expect(view.status.tags).toBeUndefined();
  });
});

describe('imageStreamView conditions', () => {
  it('shows a failed import on a tag without history as items: null with its condition', () => {
    const condition = { type: 'ImportSuccess' as const, status: 'False' as const, reason: 'NotFound', message: 'gone', generation: 3, lastTransitionTime: '2026-01-01T00:00:00Z' };
    const view = imageStreamView({ ...stream, tag_conditions: { broken: [condition] } }, [], { internal: 'registry:5000' });
    expect(view.status.tags).toEqual([{ tag: 'broken', items: null, conditions: [condition] }]);
  });
});
