import { Catch, Logger, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { isStatus, Statuses, StatusError, type Status } from '@imagestreams/contracts';
import { type Observable, throwError } from 'rxjs';

/**
 * Every failed request answers with a Kubernetes Status, so the gateway passes it to the HTTP
 * client as it is. Unexpected errors are logged here and never leak their internals.
 */
@Catch()
export class StatusRpcFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('StatusRpcFilter');

  catch(exception: unknown): Observable<Status> {
    if (exception instanceof StatusError) return throwError(() => exception.status);
    if (exception instanceof RpcException && isStatus(exception.getError())) return throwError(() => exception.getError() as Status);
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return throwError(() => Statuses.internal());
  }
}
