import type { LoggerService } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Nest's logger interface over one pino logger: `new Logger('Context').warn(message)` becomes
 * `{"level":40,"context":"Context","msg":"…"}`. The last extra argument is the context, as Nest passes
 * it; an object message is merged into the line, an Error becomes `err`.
 *
 * Written here rather than taken from nestjs-pino: that module binds every HTTP request to an
 * AsyncLocalStorage so log lines written during the request carry its logger. The first run() of any
 * AsyncLocalStorage turns on Node's promise hooks for the whole process (Node 20), and with them every
 * promise of every request pays: measured on the webhook benchmark, the gateway spent 20–35 % and
 * stream-service 20 % less CPU without it. Requests are still logged (pino-http, one line each), and
 * lines written inside a traced request carry its trace and span ids (the `mixin` of LoggingModule).
 */
export class ServiceLogger implements LoggerService {
  constructor(readonly pino: PinoLogger) {}

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    const fields: Record<string, unknown> = {};
    const params = [...optionalParams];
    if (params.length > 0) fields['context'] = params.pop();
    if (message instanceof Error) {
      fields['err'] = message;
      this.pino[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message });
    } else if (level === 'error' && params.length === 1 && typeof params[0] === 'string' && /\n\s*at /.test(params[0])) {
      // Nest's exception handlers call error(message, stack, context): the stack is not a format argument.
      const err = new Error(String(message));
      err.stack = params[0];
      this.pino.error({ ...fields, err }, String(message));
    } else {
      this.pino[level](fields, String(message), ...params);
    }
  }
}
