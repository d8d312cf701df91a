import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

/**
 * Settings every service has. Each app extends this with its own `<service>.config.ts`;
 * every field needs a default (or `undefined` for "required") so loadConfig knows its keys.
 */
export class BaseServiceConfig {
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/imagestreams';

  /**
   * Postgres connections one process may open. Every replica of every service has its own pool,
   * so replicas × services × this must stay under the server's max_connections (100 by default).
   */
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE = 20;

  @Matches(/^(nats|tls):\/\/[^,]+(,(nats|tls):\/\/[^,]+)*$/, { message: 'must be one or more comma-separated nats:// URLs' })
  NATS_URL = 'nats://127.0.0.1:4222';

  @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
  LOG_LEVEL = 'info';

  @IsString()
  HTTP_HOST = '127.0.0.1';

  @IsInt()
  @Min(0)
  @Max(65535)
  HTTP_PORT = 8080;

  /** How long SIGTERM waits for in-flight work before the process gives up. */
  @IsInt()
  @Min(100)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  @IsInt()
  @Min(1)
  @Max(5)
  JETSTREAM_REPLICAS = 1;

  @IsInt()
  @Min(1)
  EVENTS_MAX_AGE_HOURS = 168;

  /** OTLP/HTTP collector base URL (`/v1/traces` is appended); set = spans are exported. Empty = no export. */
  @Matches(/^(https?:\/\/\S+)?$/, { message: 'must be an http(s):// URL or empty' })
  OTEL_EXPORTER_OTLP_ENDPOINT = '';

  /** The full traces URL, when it is not `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces`; set = spans are exported. */
  @Matches(/^(https?:\/\/\S+)?$/, { message: 'must be an http(s):// URL or empty' })
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = '';

  /** true: no OpenTelemetry SDK (no spans, no new ids), even with an endpoint set. */
  @IsBoolean()
  OTEL_SDK_DISABLED = false;

  /**
   * `tracecontext`: pass a caller's `traceparent` through every hop even when no spans are exported.
   * Empty = trace context flows only when spans are exported (carrying context across every await
   * costs about a fifth of the tag-move throughput on a 2-core machine).
   */
  @IsIn(['', 'tracecontext', 'none'])
  OTEL_PROPAGATORS = '';

  /** The `service.name` of exported spans; empty = the service's own name. */
  @IsString()
  OTEL_SERVICE_NAME = '';
}
