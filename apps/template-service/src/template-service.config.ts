import { BaseServiceConfig } from '@imagestreams/platform-config';

export class TemplateServiceConfig extends BaseServiceConfig {
  override HTTP_PORT = 8084;
}
