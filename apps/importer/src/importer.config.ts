import { BaseServiceConfig } from '@imagestreams/platform-config';

export class ImporterConfig extends BaseServiceConfig {
  override HTTP_PORT = 8082;
}
