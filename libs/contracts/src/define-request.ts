import type { ClassType } from './define-event';

/**
 * Binds a request subject to its request class and reply type. The owner validates the request
 * with the class (NATS is an entry point of its own); the gateway gets a typed reply.
 */
export interface RequestDefinition<TRequest extends object, TReply> {
  subject: string;
  requestClass: ClassType<TRequest>;
  /** Phantom field: carries the reply type for callers; never set at run time. */
  readonly reply?: TReply;
}

export function defineRequest<TRequest extends object, TReply>(subject: string, requestClass: ClassType<TRequest>): RequestDefinition<TRequest, TReply> {
  return { subject, requestClass };
}
