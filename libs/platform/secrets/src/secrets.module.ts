import { type DynamicModule, Module } from '@nestjs/common';
import type { SealedTable } from './reseal-table';
import type { SecretKeyRing } from './secret-key-ring';
import { SEALED_TABLES, SECRET_KEY_RING, SecretResealer } from './secret-resealer';

export interface SecretsModuleOptions {
  keyRing: SecretKeyRing;
  /** The service's tables with sealed columns, re-sealed under the current key at start and periodically. */
  tables: SealedTable[];
}

/** The service's key ring (injected as SECRET_KEY_RING) and the re-sealing of its tables. */
@Module({})
export class SecretsModule {
  static forService(options: SecretsModuleOptions): DynamicModule {
    return {
      module: SecretsModule,
      global: true,
      providers: [{ provide: SECRET_KEY_RING, useValue: options.keyRing }, { provide: SEALED_TABLES, useValue: options.tables }, SecretResealer],
      exports: [SECRET_KEY_RING],
    };
  }
}
