import { IMAGE_API_VERSION, type ImageStream, type NamedTagEventList } from '@imagestreams/contracts';
import { groupRows } from '@imagestreams/platform-persistence';
import { dockerImageRepository } from '@imagestreams/domain-image';
import { toTagEvent, type ImageStreamRow, type TagEventRow } from './image-stream.repository';

export interface RegistryHosts {
  internal: string;
  public?: string;
}

/** Renders the stored stream and its history in OpenShift's v1 JSON shape. */
export function imageStreamView(stream: ImageStreamRow, events: TagEventRow[], hosts: RegistryHosts): ImageStream {
  const history = groupRows(events, (row) => row.tag);
  const conditions = stream.tag_conditions ?? {};
  // A tag whose only status is a failed import still shows, with `items: null`, as in OpenShift.
  const tags: NamedTagEventList[] = [...new Set([...history.keys(), ...Object.keys(conditions)])]
    .map((tag) => {
      const rows = history.get(tag);
      const tagConditions = conditions[tag];
      return { tag, items: rows ? rows.map(toTagEvent) : null, ...(tagConditions?.length ? { conditions: tagConditions } : {}) };
    })
    .sort((a, b) => a.tag.localeCompare(b.tag));
  return {
    kind: 'ImageStream',
    apiVersion: IMAGE_API_VERSION,
    metadata: {
      name: stream.name,
      namespace: stream.namespace,
      uid: stream.uid,
      resourceVersion: String(stream.resource_version),
      generation: Number(stream.generation),
      creationTimestamp: stream.created_at.toISOString(),
      ...(Object.keys(stream.labels).length ? { labels: stream.labels } : {}),
      ...(Object.keys(stream.annotations).length ? { annotations: stream.annotations } : {}),
    },
    spec: { lookupPolicy: { local: false }, ...(stream.spec as object) },
    status: {
      dockerImageRepository: dockerImageRepository(hosts.internal, stream.namespace, stream.name),
      ...(hosts.public ? { publicDockerImageRepository: dockerImageRepository(hosts.public, stream.namespace, stream.name) } : {}),
      ...(tags.length ? { tags } : {}),
    },
  };
}
