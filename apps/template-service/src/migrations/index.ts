import { CreateTemplateSchema1764201900000 } from './1764201900000-create-template-schema';
import { CreateTemplates1764500000000 } from './1764500000000-create-templates';
import { CreateTemplateInstances1764650000000 } from './1764650000000-create-template-instances';
import { CreateSamplesConfig1764700000000 } from './1764700000000-create-samples-config';
import { TemplateWatchLog1764800300000 } from './1764800300000-template-watch-log';
import { NextResourceVersion1765000000000, ResourceVersionWriters1765000100000 } from '@imagestreams/platform-persistence';

/** template-service's schema, oldest first: the service and its Postgres tests migrate with the same list. */
export const TEMPLATE_MIGRATIONS = [
  CreateTemplateSchema1764201900000,
  CreateTemplates1764500000000,
  CreateTemplateInstances1764650000000,
  CreateSamplesConfig1764700000000,
  TemplateWatchLog1764800300000,
  NextResourceVersion1765000000000,
  ResourceVersionWriters1765000100000,
];
