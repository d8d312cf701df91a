import { type DynamicModule, Module } from '@nestjs/common';
import { TemplateRepository } from '../templates/template.repository';
import { SAMPLE_IMAGE_STREAMS, StreamServiceImageStreams } from './sample-image-streams';
import { SampleTemplates } from './sample-templates';
import { SamplesConfigRepository } from './samples-config.repository';
import { SamplesConfigsRequests } from './samples-config.requests';
import { SAMPLES_SETTINGS, type SamplesSettings } from './samples-settings';
import { SamplesReconciler } from './samples.reconciler';

/** The samples operator: the `samples.operator.openshift.io/v1` Config and the reconciler that keeps the catalog in the samples namespace. */
@Module({})
export class SamplesModule {
  static register(settings: SamplesSettings): DynamicModule {
    return {
      module: SamplesModule,
      // Global: a deleted samples namespace is put back at once (namespace-deletions/).
      global: true,
      controllers: [SamplesConfigsRequests],
      providers: [
        { provide: SAMPLES_SETTINGS, useValue: settings },
        { provide: SAMPLE_IMAGE_STREAMS, useClass: StreamServiceImageStreams },
        TemplateRepository,
        SampleTemplates,
        SamplesConfigRepository,
        SamplesReconciler,
      ],
      exports: [SamplesReconciler],
    };
  }
}
