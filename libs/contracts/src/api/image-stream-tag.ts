import type { ObjectMeta } from './object-meta';
import type { ResourceRef } from './status';
import type { TagEventCondition, TagReference } from './image-stream';
import { IMAGE_API_GROUP, IMAGE_API_VERSION } from './image-stream';

export const ImageStreamTagResource: ResourceRef = { resource: 'imagestreamtags', group: IMAGE_API_GROUP, kind: 'ImageStreamTag' };

/** `<stream>:<tag>`, a view of one tag of a stream (spec + current status + image). */
export interface ImageStreamTag {
  kind: 'ImageStreamTag';
  apiVersion: typeof IMAGE_API_VERSION;
  metadata: ObjectMeta;
  tag: TagReference | null;
  generation: number;
  conditions?: TagEventCondition[];
  lookupPolicy: { local: boolean };
  /** Absent while the tag has no current image (e.g. an import is pending). */
  image?: {
    metadata: { name: string; creationTimestamp?: string };
    dockerImageReference: string;
    dockerImageMetadata?: Record<string, unknown>;
    dockerImageManifestMediaType?: string;
  };
}
