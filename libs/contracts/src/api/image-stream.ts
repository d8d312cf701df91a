import type { ObjectMeta } from './object-meta';
import type { ResourceRef } from './status';

export const IMAGE_API_GROUP = 'image.openshift.io';
export const IMAGE_API_VERSION = `${IMAGE_API_GROUP}/v1`;

export const ImageStreamResource: ResourceRef = { resource: 'imagestreams', group: IMAGE_API_GROUP, kind: 'ImageStream' };
export const ImageStreamMappingResource: ResourceRef = { resource: 'imagestreammappings', group: IMAGE_API_GROUP, kind: 'ImageStreamMapping' };

export interface ObjectReference {
  kind: 'DockerImage' | 'ImageStreamTag' | 'ImageStreamImage';
  name: string;
  namespace?: string;
}

export interface TagReference {
  name: string;
  annotations: Record<string, string> | null;
  from?: ObjectReference;
  reference?: boolean;
  generation: number | null;
  importPolicy?: { insecure?: boolean; scheduled?: boolean; importMode?: 'Legacy' | 'PreserveOriginal' };
  referencePolicy?: { type: 'Source' | 'Local' };
}

export interface TagEvent {
  created: string;
  dockerImageReference: string;
  image: string;
  generation: number;
}

export interface TagEventCondition {
  type: 'ImportSuccess';
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
  generation: number;
}

export interface NamedTagEventList {
  tag: string;
  items: TagEvent[] | null;
  conditions?: TagEventCondition[];
}

export interface ImageStream {
  kind: 'ImageStream';
  apiVersion: typeof IMAGE_API_VERSION;
  metadata: ObjectMeta;
  spec: { lookupPolicy: { local: boolean }; dockerImageRepository?: string; tags?: TagReference[] };
  status: { dockerImageRepository: string; publicDockerImageRepository?: string; tags?: NamedTagEventList[] };
}

export interface ImageStreamList {
  kind: 'ImageStreamList';
  apiVersion: typeof IMAGE_API_VERSION;
  metadata: { resourceVersion: string; continue?: string };
  items: ImageStream[];
}
