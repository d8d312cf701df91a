import { IsString } from 'class-validator';

/** Fields every image-stream event carries: which stream, and who caused the event. */
export class StreamEventDataV1 {
  @IsString()
  namespace: string;

  @IsString()
  imageStream: string;

  @IsString()
  actor: string;
}

/** ... and for tag events, which tag. */
export class TagEventDataV1 extends StreamEventDataV1 {
  @IsString()
  tag: string;
}
