import { type PipeTransform } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Statuses, validatePayload, type ClassType } from '@imagestreams/contracts';

/** NATS is an entry point of its own: owners validate requests even though the gateway did too. */
export class RequestValidationPipe implements PipeTransform {
  constructor(private readonly requestClass: ClassType<object>) {}

  transform(value: unknown, metadata: { type: string }): unknown {
    // Nest reports `@Payload()` of a message handler with the HTTP body's param type.
    if (metadata.type !== 'body') return value;
    const result = validatePayload(this.requestClass, value);
    if (!result.ok) throw new RpcException(Statuses.badRequest('invalid request', result.causes));
    return result.value;
  }
}
