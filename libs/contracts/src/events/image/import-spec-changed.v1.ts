import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, ValidateNested } from 'class-validator';
import { defineEvent } from '../../define-event';
import { EventSubjects } from '../../subjects';
import { StreamEventDataV1 } from './stream-event-data';

/** One spec tag that imports from an external registry (`from.kind: DockerImage`, not `reference`). */
export class ImportableTagV1 {
  @IsString()
  tag: string;

  /** The source pull spec (`from.name`). */
  @IsString()
  from: string;

  @IsOptional()
  @IsObject()
  importPolicy?: { insecure?: boolean; scheduled?: boolean; importMode?: string };

  @IsOptional()
  @IsObject()
  referencePolicy?: { type?: string };

  @IsOptional()
  @IsObject()
  annotations?: Record<string, string>;

  /** The spec tag's generation. */
  @IsInt()
  generation: number;

  /** New or changed by this write: import it now (OpenShift's import controller, §5.2). */
  @IsBoolean()
  needsImport: boolean;
}

/**
 * A stream's importable tags after a spec write that changed them: the whole list, so the importer
 * can replace its schedule for the stream (an older resourceVersion than one already applied is
 * ignored).
 */
export class ImportSpecChangedV1 extends StreamEventDataV1 {
  @IsString()
  uid: string;

  @IsString()
  resourceVersion: string;

  @IsArray()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ImportableTagV1)
  tags: ImportableTagV1[];
}

export const ImportSpecChanged = defineEvent({
  subject: EventSubjects.importSpecChanged,
  type: 'io.imagestreams.importspec.changed.v1',
  dataClass: ImportSpecChangedV1,
  internal: true,
});
