import { IsString } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { TagEventDataV1 } from './stream-event-data';

/**
 * An import of one tag failed and the stream got a new ImportSuccess=False condition for it.
 * Published once per new failure, not per scheduled retry that fails the same way again.
 */
export class ImportFailedV1 extends TagEventDataV1 {
  /** The source pull spec that could not be imported. */
  @IsString()
  from: string;

  /** Machine-readable, as in the condition (`NotFound`, `Unauthorized`, `InternalError`, ...). */
  @IsString()
  reason: string;

  @IsString()
  message: string;
}

export const ImportFailed = defineEvent({
  subject: EventSubjects.importFailed,
  type: 'io.imagestreams.import.failed.v1',
  dataClass: ImportFailedV1,
});
