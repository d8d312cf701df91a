import { imageStreamNameProblems, namespaceNameProblems, repositoryNameProblems } from '@imagestreams/contracts';
import { RegistryError } from '@imagestreams/domain-registry';

/** A registry repository is an image stream: `<namespace>/<stream>`. */
export interface RepositoryName {
  namespace: string;
  stream: string;
  /** `<namespace>/<stream>`, as clients write it. */
  full: string;
}

/**
 * Checks both path segments as the owner would (DNS label namespace, image stream name), so
 * traversal (`..`, `%2e%2e` once decoded), upper case and empty segments never reach storage.
 */
export function repositoryName(namespace: string, stream: string): RepositoryName {
  const full = `${namespace}/${stream}`;
  const problems = [...namespaceNameProblems(namespace), ...imageStreamNameProblems(stream)];
  if (problems.length === 0) problems.push(...repositoryNameProblems(namespace, stream));
  if (problems.length > 0) throw RegistryError.nameInvalid(full, `invalid repository name (${problems.join('; ')})`);
  return { namespace, stream, full };
}

/** `from=` of a cross-repository mount: one string naming `<namespace>/<stream>`. */
export function parseRepositoryName(value: string): RepositoryName {
  const parts = value.split('/');
  if (parts.length !== 2) throw RegistryError.nameInvalid(value, 'repository names are <namespace>/<stream>');
  return repositoryName(parts[0], parts[1]);
}
