import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * Name rules of the API (OpenShift/Kubernetes). Each check returns human messages (empty = valid)
 * so both class-validator decorators and owners' cross-field checks reuse them.
 */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const IMAGE_STREAM_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG_NAME = /^[\w][\w.-]{0,127}$/;
const MAX_REPOSITORY_NAME = 255;

export function namespaceNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name.length > 63) problems.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(name)) {
    problems.push("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
  }
  return problems;
}

export function imageStreamNameProblems(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const problems: string[] = [];
  if (name.includes('/') || name.includes('%')) problems.push("may not contain '/' or '%'");
  if (!IMAGE_STREAM_NAME.test(name)) problems.push('must match "[a-z0-9]+(?:[._-][a-z0-9]+)*"');
  if (name.length > MAX_REPOSITORY_NAME) problems.push(`must be no more than ${MAX_REPOSITORY_NAME} characters`);
  return problems;
}

/** `namespace/name` is the registry repository, limited like every docker repository name. */
export function repositoryNameProblems(namespace: string, name: string): string[] {
  return namespace.length + 1 + name.length > MAX_REPOSITORY_NAME
    ? [`'namespace/name' cannot be longer than ${MAX_REPOSITORY_NAME} characters`]
    : [];
}

export function tagNameProblems(tag: string): string[] {
  return TAG_NAME.test(tag) ? [] : ['must match "[\\w][\\w.-]{0,127}"'];
}

function byRule(ruleName: string, problems: (value: string) => string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: ruleName,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && problems(value).length === 0,
        defaultMessage: (args) => (typeof args?.value === 'string' ? problems(args.value).join('; ') : 'must be a string'),
      },
    },
    options,
  );
}

export const IsNamespaceName = (options?: ValidationOptions) => byRule('isNamespaceName', namespaceNameProblems, options);
export const IsImageStreamName = (options?: ValidationOptions) => byRule('isImageStreamName', imageStreamNameProblems, options);
export const IsTagName = (options?: ValidationOptions) => byRule('isTagName', tagNameProblems, options);
