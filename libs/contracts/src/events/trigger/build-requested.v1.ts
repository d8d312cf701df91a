import { IsOptional, IsString } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';

/**
 * A Build record was created for the external builder (Tekton, Jenkins, any CI) to run: by an
 * ImageChange trigger or an inbound build webhook. The builder reports back by patching the Build.
 */
export class BuildRequestedV1 {
  @IsString()
  namespace: string;

  @IsString()
  buildConfig: string;

  @IsString()
  build: string;

  /** The trigger cause's message: `Image change`, `GitHub WebHook`, `Generic WebHook`, ... */
  @IsString()
  cause: string;

  /** The builder image the build should use, when an image change triggered it. */
  @IsOptional()
  @IsString()
  image?: string;

  @IsOptional()
  @IsString()
  commit?: string;

  @IsString()
  actor: string;
}

export const BuildRequested = defineEvent({
  subject: EventSubjects.buildRequested,
  type: 'io.imagestreams.build.requested.v1',
  dataClass: BuildRequestedV1,
});
