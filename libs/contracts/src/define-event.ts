import { EVENT_TYPE_PREFIX } from './envelope';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- constructor parameters are irrelevant here
export type ClassType<T> = new (...args: any[]) => T;

/**
 * Binds a NATS subject, a CloudEvents type and the payload class of one event version together,
 * so producers and consumers can never disagree about any of them.
 */
export interface EventDefinition<TData extends object = object> {
  subject: string;
  type: string;
  /** `spec.events` short form of webhook subscriptions: the type without prefix and version. */
  shortType: string;
  dataClass: ClassType<TData>;
  /** Between services only: webhook subscriptions cannot ask for it. */
  internal?: boolean;
}

export function defineEvent<TData extends object>(input: {
  subject: string;
  type: string;
  dataClass: ClassType<TData>;
  internal?: boolean;
}): EventDefinition<TData> {
  if (!input.type.startsWith(EVENT_TYPE_PREFIX)) throw new Error(`event type ${input.type} must start with ${EVENT_TYPE_PREFIX}`);
  const shortType = input.type.slice(EVENT_TYPE_PREFIX.length).replace(/\.v\d+$/, '');
  return { ...input, shortType };
}
