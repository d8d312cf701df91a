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
  const tags: NamedTagEventList[] = [...groupRows(events, (row) => row.tag)]
    .map(([tag, rows]) => ({ tag, items: rows.map(toTagEvent) }))
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
