import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, type HttpServer, Logger, NotFoundException } from '@nestjs/common';
import { Statuses, StatusError, type Status } from '@imagestreams/contracts';
import type { RouteCatalog } from './route-catalog';

/** Kubernetes' answer for a path no route serves. */
export const NO_SUCH_ROUTE: Status = {
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: 'the server could not find the requested resource',
  reason: 'NotFound',
  details: {},
  code: 404,
};

interface StatusReply {
  status: Status;
  headers?: Record<string, string>;
}

/**
 * Errors raised by Express middleware in the `http-errors` shape (body-parser: 413 too large, 415
 * unsupported charset or encoding, 400 aborted). Nest maps only JSON syntax errors to an
 * HttpException and passes these through as they are.
 */
function clientErrorOf(exception: unknown): { code: number; message: string; limit?: unknown } | undefined {
  if (exception instanceof HttpException) return { code: exception.getStatus(), message: exception.message };
  if (!(exception instanceof Error)) return undefined;
  const { status, expose, limit } = exception as Error & { status?: unknown; expose?: unknown; limit?: unknown };
  // http-errors marks messages that are safe to show (`expose`); anything else stays internal.
  if (typeof status !== 'number' || expose !== true) return undefined;
  return { code: status, message: exception.message, limit };
}

function isFailureCode(code: number): boolean {
  return Number.isInteger(code) && code >= 400 && code <= 599;
}

/**
 * The one place an HTTP error body is written: every failure leaves as a Kubernetes `Status` whose
 * `code` is the HTTP status. Owners' Statuses pass through unchanged; framework and parser errors
 * are translated; anything unexpected is logged and answered with a bare 500 so no internals leak.
 */
@Catch()
export class StatusHttpFilter implements ExceptionFilter {
  private readonly logger = new Logger('StatusHttpFilter');

  constructor(
    private readonly http: HttpServer,
    private readonly routes: RouteCatalog,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request: unknown = context.getRequest();
    const response: unknown = context.getResponse();
    const reply = this.toReply(exception, request);
    if (this.http.isHeadersSent(response)) {
      // Too late for a Status: the client already has a status line; just close the exchange.
      this.http.end(response);
      return;
    }
    for (const [name, value] of Object.entries(reply.headers ?? {})) this.http.setHeader(response, name, value);
    this.http.reply(response, reply.status, reply.status.code);
  }

  private toReply(exception: unknown, request: unknown): StatusReply {
    if (exception instanceof StatusError) return this.fromOwner(exception.status);

    // Nest's router raises NotFoundException for every unmatched request; controllers never do.
    if (exception instanceof NotFoundException) return this.noRoute(request);

    const clientError = clientErrorOf(exception);
    if (clientError && clientError.code >= 400 && clientError.code < 500) {
      return { status: this.fromClientError(clientError.code, clientError.message, clientError.limit) };
    }
    return this.unexpected(exception);
  }

  private fromOwner(status: Status): StatusReply {
    if (!isFailureCode(status.code)) return this.unexpected(new Error(`a StatusError carried code ${status.code}: ${JSON.stringify(status)}`));
    if (status.code >= 500) this.logger.warn(`answering ${status.code} ${status.reason ?? ''}: ${status.message ?? ''}`);
    return { status };
  }

  private noRoute(request: unknown): StatusReply {
    const url = this.http.getRequestUrl?.(request) ?? '';
    const allowed = this.routes.methodsAt(url);
    if (allowed.length === 0) return { status: NO_SUCH_ROUTE };
    return {
      status: Statuses.methodNotAllowed('the server does not allow this method on the requested resource'),
      headers: { Allow: allowed.join(', ') },
    };
  }

  private fromClientError(code: number, message: string, limit: unknown): Status {
    switch (code) {
      case 400:
        return Statuses.badRequest(message);
      case 404:
        return NO_SUCH_ROUTE;
      case 405:
        return Statuses.methodNotAllowed(message);
      case 413:
        return Statuses.tooLarge(typeof limit === 'number' ? `Request entity too large: limit is ${limit}` : message);
      case 415:
        return Statuses.unsupportedMediaType(message);
      default:
        // No other 4xx is raised by Express or Nest today; keep its code so the client sees it.
        return { ...Statuses.badRequest(message), code };
    }
  }

  private unexpected(exception: unknown): StatusReply {
    const detail = exception instanceof Error ? (exception.stack ?? exception.message) : String(exception);
    this.logger.error(`unexpected error while serving a request: ${detail}`);
    return { status: Statuses.internal() };
  }
}
