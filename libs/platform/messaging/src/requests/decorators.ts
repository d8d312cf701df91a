import { applyDecorators, UseFilters, UsePipes } from '@nestjs/common';
import { EventPattern, MessagePattern, Transport } from '@nestjs/microservices';
import type { RequestDefinition } from '@imagestreams/contracts';
import { JETSTREAM_TRANSPORT } from '../jetstream/jetstream-event.server';
import { RequestValidationPipe } from './request-validation.pipe';
import { StatusRpcFilter } from './status-rpc.filter';

/** Handles one owner request (core NATS, queue group); the payload is validated with its contract class. */
export function OnRequest(definition: RequestDefinition<object, unknown>): MethodDecorator {
  return applyDecorators(MessagePattern(definition.subject, Transport.NATS), UsePipes(new RequestValidationPipe(definition.requestClass)), UseFilters(StatusRpcFilter));
}

/** Handles durable events whose subject matches the pattern (NATS wildcards allowed). */
export function OnEvent(subjectPattern: string): MethodDecorator {
  return EventPattern(subjectPattern, JETSTREAM_TRANSPORT);
}
