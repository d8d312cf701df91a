import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Identity } from '@imagestreams/domain-access';
import type { IncomingMessage } from 'node:http';
import { callerOf } from './request-identity';

/** The authenticated caller (anonymous when no check ran), for checks a controller makes itself. */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Identity => callerOf(context.switchToHttp().getRequest<IncomingMessage>()));
