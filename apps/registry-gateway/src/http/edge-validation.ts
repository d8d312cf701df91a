import {
  namespaceNameProblems,
  NamespaceResource,
  Statuses,
  StatusError,
  validatePayload,
  type ClassType,
  type ResourceRef,
} from '@imagestreams/contracts';

/**
 * Checks done at the edge, before any owner is asked: a request that is malformed or names
 * something that cannot exist is answered here, so owners only see well-formed requests and a
 * client gets the Kubernetes answer (400/404/422) rather than an owner's complaint about its
 * transport payload.
 */

/** Kubernetes' longest object name (DNS-1123 subdomain); nothing longer can exist. */
export const MAX_NAME_LENGTH = 253;

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `metadata.name` as sent, for naming the object in an Invalid Status even when it is broken. */
function declaredName(body: Record<string, unknown>): string {
  const { metadata } = body;
  return isJsonObject(metadata) && typeof metadata.name === 'string' ? metadata.name : '';
}

/**
 * Decodes and validates a request body with its contract class. A body that is not a JSON object
 * cannot be decoded into any resource (400, like malformed JSON); one that decodes but breaks
 * the rules is Invalid (422) with a cause per field.
 */
export function validBody<T extends object>(cls: ClassType<T>, resource: ResourceRef, body: unknown): T {
  if (!isJsonObject(body)) throw new StatusError(Statuses.badRequest('the request body must be a JSON object'));
  const result = validatePayload(cls, body);
  if (!result.ok) throw new StatusError(Statuses.invalid(resource, declaredName(body), result.causes));
  return result.value;
}

/**
 * Kubernetes rejects an object whose own namespace contradicts the URL before validating it; an
 * empty or absent namespace is filled from the URL by the owner.
 */
export function assertBodyNamespace(body: unknown, namespace: string): void {
  if (!isJsonObject(body) || !isJsonObject(body.metadata)) return;
  const declared = body.metadata.namespace;
  if (typeof declared === 'string' && declared !== '' && declared !== namespace) {
    throw new StatusError(Statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
}

/** Creating something in a namespace whose name is impossible is a malformed request. */
export function assertWritableNamespace(namespace: string): void {
  const problems = namespaceNameProblems(namespace);
  if (problems.length > 0) throw new StatusError(Statuses.badRequest(`invalid namespace "${namespace}": ${problems.join('; ')}`));
}

/** Reading in (or reading) a namespace whose name is impossible: that namespace is not found. */
export function assertReadableNamespace(namespace: string): void {
  if (namespaceNameProblems(namespace).length > 0) throw new StatusError(Statuses.notFound(NamespaceResource, namespace));
}

/**
 * Reading or deleting one namespaced object whose address is impossible: the object is not found,
 * which is what Kubernetes answers. Owners would reject such a payload as Invalid instead.
 */
export function assertAddressable(resource: ResourceRef, namespace: string, name: string): void {
  if (name.length > MAX_NAME_LENGTH || namespaceNameProblems(namespace).length > 0) throw new StatusError(Statuses.notFound(resource, name));
}

/** The body of a PATCH: only JSON merge patches (`application/merge-patch+json`, or plain JSON read the same way). */
export function mergePatchBody(contentType: string | undefined, body: unknown): Record<string, unknown> {
  const mediaType = contentType?.split(';', 1)[0].trim().toLowerCase();
  if (mediaType !== 'application/merge-patch+json' && mediaType !== 'application/json') {
    throw new StatusError(Statuses.unsupportedMediaType('the patch type is not supported: only application/merge-patch+json is'));
  }
  if (!isJsonObject(body)) throw new StatusError(Statuses.badRequest('a merge patch must be a JSON object'));
  return body;
}
