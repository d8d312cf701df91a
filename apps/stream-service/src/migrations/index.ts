import { CreateStreamSchema1764201600000 } from './1764201600000-create-stream-schema';
import { ImageLayersAndManifests1764202000000 } from './1764202000000-image-layers-and-manifests';
import { WatchLog1764202100000 } from './1764202100000-watch-log';
import { TagConditions1764202200000 } from './1764202200000-tag-conditions';
import { NextResourceVersion1765000000000, ResourceVersionWriters1765000100000 } from '@imagestreams/platform-persistence';

/** stream-service's schema, oldest first: the service and its Postgres tests migrate with the same list. */
export const STREAM_MIGRATIONS = [CreateStreamSchema1764201600000, ImageLayersAndManifests1764202000000, WatchLog1764202100000, TagConditions1764202200000, NextResourceVersion1765000000000, ResourceVersionWriters1765000100000];
