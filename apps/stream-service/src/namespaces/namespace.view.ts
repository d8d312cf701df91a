import type { Namespace } from '@imagestreams/contracts';
import type { NamespaceRow } from './namespace.repository';

export function namespaceView(row: NamespaceRow): Namespace {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name: row.name,
      uid: row.uid,
      resourceVersion: String(row.resource_version),
      creationTimestamp: row.created_at.toISOString(),
      labels: row.labels,
      ...(Object.keys(row.annotations).length ? { annotations: row.annotations } : {}),
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
