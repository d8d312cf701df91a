import { type DynamicModule, Module } from '@nestjs/common';
import { ApplyImageImport } from './apply-image-import';
import { ImageImportRequestsHandler } from './image-import.requests';

/** Import results from the importer become tag events, spec tags and conditions here, the only writer of tags. */
@Module({})
export class ImportsModule {
  static register(imageStreams: DynamicModule): DynamicModule {
    return { module: ImportsModule, imports: [imageStreams], controllers: [ImageImportRequestsHandler], providers: [ApplyImageImport] };
  }
}
