import { IsDefined, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/**
 * Bodies of owner requests that address resources by name. Route parameters are validated by the
 * owner too (not just the gateway), because NATS is an entry point of its own.
 */
export class NamespacedNameRequest {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  namespace: string;

  @IsDefined()
  @IsString()
  @MaxLength(253)
  name: string;
}

export class NamespaceScopeRequest {
  /** Omitted = all namespaces. */
  @IsOptional()
  @IsString()
  @MaxLength(253)
  namespace?: string;
}

/** `limit` + `continue` pagination over one namespace, or all when `namespace` is omitted. */
export class PagedListRequest extends NamespaceScopeRequest {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  continue?: string;
}

/** Kubernetes list options: `labelSelector`, and `limit` + `continue` pagination. */
export class ListRequest extends PagedListRequest {
  @IsOptional()
  @IsString()
  @MaxLength(4096)
  labelSelector?: string;
}

/** Carries who asked, so events can name the actor; authentication comes later. */
export class WithActor {
  @IsOptional()
  @IsString()
  @MaxLength(512)
  actor?: string;
}

/** A write into one namespace on behalf of an actor: the shape of every namespaced create command. */
export class NamespacedCommand extends WithActor {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  namespace: string;
}
