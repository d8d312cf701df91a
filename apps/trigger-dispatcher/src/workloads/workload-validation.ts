import { apiVersionOf, metadataMapCauses, type StatusCause, type WorkloadKind } from '@imagestreams/contracts';
import { parseTriggersAnnotation, TRIGGER_ANNOTATION_KEY, validateTriggersAgainstObject, type KubernetesObject } from '@imagestreams/domain-trigger';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ANNOTATION_FIELD = `metadata.annotations[${TRIGGER_ANNOTATION_KEY}]`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * What makes a stored object acceptable: its kind and apiVersion match the path, a valid name,
 * object-shaped spec and metadata maps, triggers that parse — a malformed triggers annotation is
 * refused here with the reason, never stored and silently ignored as OpenShift does.
 */
export function workloadProblems(kind: WorkloadKind, object: Record<string, unknown>): StatusCause[] {
  const causes: StatusCause[] = [];
  const invalid = (field: string, message: string) => causes.push({ reason: 'FieldValueInvalid', field, message });
  if (object['kind'] !== undefined && object['kind'] !== kind.kind) invalid('kind', `must be ${kind.kind}`);
  if (object['apiVersion'] !== undefined && object['apiVersion'] !== apiVersionOf(kind)) invalid('apiVersion', `must be ${apiVersionOf(kind)}`);
  const metadata = object['metadata'];
  if (!isObject(metadata)) {
    causes.push({ reason: 'FieldValueRequired', field: 'metadata', message: 'Required value' });
    return causes;
  }
  const name = metadata['name'];
  if (typeof name !== 'string' || name === '') causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name is required' });
  else if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) invalid('metadata.name', 'a lowercase RFC 1123 subdomain (at most 253 characters) is required');
  causes.push(...metadataMapCauses(metadata));
  if (object['spec'] !== undefined && !isObject(object['spec'])) invalid('spec', 'must be an object');
  const spec = isObject(object['spec']) ? object['spec'] : {};
  if (spec['triggers'] !== undefined && !Array.isArray(spec['triggers'])) invalid('spec.triggers', 'must be a list');
  else if (Array.isArray(spec['triggers'])) spec['triggers'].forEach((trigger: unknown, index) => triggerShapeProblems(trigger).forEach(([field, message]) => invalid(`spec.triggers[${index}]${field}`, message)));
  if (kind.kind === 'BuildConfig') buildReferenceProblems(spec).forEach(([field, message]) => invalid(field, message));
  if (causes.length) return causes;

  const annotation = (metadata['annotations'] as Record<string, string> | undefined)?.[TRIGGER_ANNOTATION_KEY];
  if (annotation !== undefined) {
    if (kind.kind === 'BuildConfig' || kind.kind === 'DeploymentConfig') {
      invalid(ANNOTATION_FIELD, `${kind.kind}s declare image triggers in spec.triggers, not in this annotation`);
    } else {
      const parsed = parseTriggersAnnotation(annotation);
      if ('errors' in parsed) parsed.errors.forEach((message) => invalid(ANNOTATION_FIELD, message));
      else validateTriggersAgainstObject({ ...(object as unknown as KubernetesObject), kind: kind.kind }, parsed.triggers).forEach((message) => invalid(ANNOTATION_FIELD, message));
    }
  }
  return causes;
}

/** The parts of a trigger policy the trigger logic reads: objects where objects belong. */
const TRIGGER_OBJECT_FIELDS = ['imageChange', 'imageChangeParams', 'github', 'generic', 'gitlab', 'bitbucket'] as const;

function triggerShapeProblems(trigger: unknown): [field: string, message: string][] {
  if (!isObject(trigger)) return [['', 'must be an object']];
  const problems: [string, string][] = [];
  for (const field of TRIGGER_OBJECT_FIELDS) {
    const value = trigger[field];
    if (value === undefined || value === null) continue;
    if (!isObject(value)) problems.push([`.${field}`, 'must be an object']);
    else problems.push(...referenceProblems(value['from'], `.${field}.from`));
  }
  return problems;
}

/**
 * An ObjectReference the trigger and build logic reads (`from`, `output.to`): absent, or an object
 * whose kind, name and namespace are strings. A number there was stored, and failed later, when a
 * build completed or a tag moved, instead of on the write.
 */
function referenceProblems(value: unknown, field: string): [field: string, message: string][] {
  if (value === undefined || value === null) return [];
  if (!isObject(value)) return [[field, 'must be an object']];
  return (['kind', 'name', 'namespace'] as const).filter((key) => value[key] !== undefined && typeof value[key] !== 'string').map((key) => [`${field}.${key}`, 'must be a string']);
}

const STRATEGIES = ['sourceStrategy', 'dockerStrategy', 'customStrategy'] as const;

/** A BuildConfig's image references: the strategy's builder image (what ImageChange triggers watch) and the output. */
function buildReferenceProblems(spec: Record<string, unknown>): [field: string, message: string][] {
  const problems: [string, string][] = [];
  const strategy = spec['strategy'];
  if (strategy !== undefined && strategy !== null && !isObject(strategy)) problems.push(['spec.strategy', 'must be an object']);
  else if (isObject(strategy)) {
    for (const name of STRATEGIES) {
      const detail = strategy[name];
      if (detail === undefined || detail === null) continue;
      if (!isObject(detail)) problems.push([`spec.strategy.${name}`, 'must be an object']);
      else problems.push(...referenceProblems(detail['from'], `spec.strategy.${name}.from`));
    }
  }
  const output = spec['output'];
  if (output !== undefined && output !== null && !isObject(output)) problems.push(['spec.output', 'must be an object']);
  else if (isObject(output)) problems.push(...referenceProblems(output['to'], 'spec.output.to'));
  return problems;
}
