import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { callerOf } from './request-identity';

/**
 * The caller's username, for the `actor` of write commands: owning services put it into the
 * events they publish (`tag.changed` names who moved the tag). Anonymous when no check ran.
 */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => callerOf(context.switchToHttp().getRequest<IncomingMessage>()).username);
