import type { SamplesCatalog } from './catalog-types';
import { SAMPLE_IMAGE_STREAMS } from './image-streams';
import { NODEJS_POSTGRESQL_EXAMPLE } from './templates/nodejs-postgresql';
import { POSTGRESQL_EPHEMERAL, POSTGRESQL_PERSISTENT } from './templates/postgresql';
import { RAILS_PGSQL_PERSISTENT, RAILS_POSTGRESQL_EXAMPLE } from './templates/rails-postgresql';

export type { CatalogImageStream, CatalogTag, CatalogTemplate, SamplesCatalog } from './catalog-types';

/**
 * imagestreams' own samples catalog, in OpenShift's format, written for this project (OpenShift's
 * library is third-party and is not copied). Raise the version when the content changes: it is
 * stamped on every sample and shows in the Config's `status.version`. Samples whose content
 * differs are re-applied whatever the version says.
 */
export const SAMPLES_CATALOG: SamplesCatalog = {
  version: '1.0.0',
  imageStreams: SAMPLE_IMAGE_STREAMS,
  templates: [RAILS_POSTGRESQL_EXAMPLE, RAILS_PGSQL_PERSISTENT, POSTGRESQL_EPHEMERAL, POSTGRESQL_PERSISTENT, NODEJS_POSTGRESQL_EXAMPLE],
};
