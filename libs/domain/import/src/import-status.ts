/**
 * Why one image (or a whole repository) could not be imported. The importer decides the kind
 * from what the registry answered; `importFailureStatus` turns it into the Status users see.
 */
export type ImportFailure =
  /** The registry has no such repository, tag or digest. `reference` is the full pull spec. */
  | { kind: 'not-found'; reference: string }
  /** The registry refused us; `badCredentials` when it said the credentials we sent are wrong. */
  | { kind: 'unauthorized'; reference: string; badCredentials: boolean }
  /** The registry only speaks HTTP and the import did not allow insecure access. */
  | { kind: 'http-only'; repository: string }
  /**
   * We will not talk to this registry: `blocked` by configuration (or by the address policy,
   * with `detail` saying why), or `not-v2-registry` because it lacks the v2 API a repository
   * import needs.
   */
  | { kind: 'forbidden-registry'; host: string; reason: 'blocked' | 'not-v2-registry'; detail?: string }
  /** The request itself is wrong, e.g. an unparseable image name; `message` is shown as is. */
  | { kind: 'invalid'; message: string }
  /** Anything else: TLS failures, timeouts, rate limits, malformed manifests. */
  | { kind: 'internal'; reference: string; message: string };

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

interface StatusEnvelope {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
}

export interface SuccessStatus extends StatusEnvelope {
  status: 'Success';
  code: 200;
}

export interface FailureStatus extends StatusEnvelope {
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: StatusDetails;
}

/**
 * A bulk repository import where some tags failed. It has no `code`, as in OpenShift: the
 * repository was reached, so no single HTTP status describes a partial result; each image's own
 * status carries the real error.
 */
export interface RepositoryFailureStatus extends StatusEnvelope {
  status: 'Failure';
  reason: 'ImportFailed';
  message: string;
}

const IMAGE_API_GROUP = 'image.openshift.io';

export function successStatus(): SuccessStatus {
  return { ...envelope(), status: 'Success', code: 200 };
}

/**
 * The Kubernetes Status OpenShift reports for a failed image import, with its reasons, codes and
 * message wording, so tools written against OpenShift read our results the same way.
 */
export function importFailureStatus(failure: ImportFailure): FailureStatus {
  switch (failure.kind) {
    case 'not-found':
      return failed(404, 'NotFound', `dockerimage.${IMAGE_API_GROUP} ${quote(failure.reference)} not found`, {
        name: failure.reference,
        group: IMAGE_API_GROUP,
        kind: 'dockerimage',
      });
    case 'unauthorized':
      return failed(
        401,
        'Unauthorized',
        failure.badCredentials
          ? `incorrect username or password for image ${quote(failure.reference)}`
          : `you may not have access to the container image ${quote(failure.reference)}`,
      );
    case 'http-only':
      return failed(400, 'BadRequest', `the repository ${failure.repository} is HTTP only and requires the insecure flag to import`);
    case 'forbidden-registry':
      return forbiddenRegistry(failure.host, failure.reason, failure.detail);
    case 'invalid':
      return failed(422, 'Invalid', failure.message);
    case 'internal': {
      const cause = `${failure.reference}: ${failure.message}`;
      return failed(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
    }
  }
}

/**
 * The status of a bulk repository import as a whole. Only the count is reported here; which tags
 * failed, and why, is in each image's own status.
 */
export function repositoryImportStatus(failedCount: number, total: number): SuccessStatus | RepositoryFailureStatus {
  if (!Number.isInteger(total) || total < 0 || !Number.isInteger(failedCount) || failedCount < 0 || failedCount > total) {
    throw new RangeError(`failed count must be an integer from 0 to the total (${total}), got ${failedCount}`);
  }
  if (failedCount === 0) return successStatus();
  const message =
    failedCount === 1
      ? 'one of the images from this repository failed to import'
      : `${failedCount} of the images from this repository failed to import`;
  return { ...envelope(), status: 'Failure', reason: 'ImportFailed', message };
}

function forbiddenRegistry(host: string, reason: 'blocked' | 'not-v2-registry', detail: string | undefined): FailureStatus {
  if (reason === 'not-v2-registry') {
    // OpenShift gives this case its own reason so clients can tell "wrong kind of registry"
    // from "not allowed"; the HTTP code stays 403.
    return failed(403, 'NotV2Registry', `forbidden: registry ${quote(host)} does not support the v2 Registry API`, {});
  }
  const suffix = detail ? `: ${detail}` : '';
  return failed(403, 'Forbidden', `forbidden: registry ${host} blocked${suffix}`, {});
}

function failed(code: number, reason: string, message: string, details?: StatusDetails): FailureStatus {
  const status: FailureStatus = { ...envelope(), status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

function envelope(): StatusEnvelope {
  return { kind: 'Status', apiVersion: 'v1', metadata: {} };
}

// OpenShift formats these names with Go's %q; JSON string quoting is the same for any name a
// reference can hold, and escapes anything odd a caller passes instead of printing it raw.
function quote(value: string): string {
  return JSON.stringify(value);
}
