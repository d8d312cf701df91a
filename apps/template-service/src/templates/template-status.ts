import { Statuses, StatusError, TemplateResource, type CauseType } from '@imagestreams/contracts';
import { invalidTemplateMessage, type FieldError } from '@imagestreams/domain-template';

/**
 * OpenShift's 422 for a template (reference §2.9): reason Invalid, a cause per field error with
 * its field path, and the message `Template.template.openshift.io "<name>" is invalid: <causes>`.
 */
export function invalidTemplate(name: string, errors: readonly FieldError[]): StatusError {
  // `FieldValueTypeInvalid` is a Kubernetes cause type the contracts' CauseType does not list yet.
  const causes = errors.map((error) => ({ reason: error.reason as CauseType, message: error.message, field: error.field }));
  return new StatusError({ ...Statuses.invalid(TemplateResource, name, causes), message: invalidTemplateMessage(name, errors) });
}
