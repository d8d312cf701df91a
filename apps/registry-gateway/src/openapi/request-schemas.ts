import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { ValidationTypes } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

/**
 * JSON schemas of request bodies, generated at runtime from the class-validator decorators of the
 * contract DTOs (libs/contracts/src/api) by `class-validator-jsonschema`, so the document states
 * exactly the rules `validBody` enforces and cannot drift from them.
 *
 * Why this and not `@ApiProperty` or the swagger CLI plugin: `@ApiProperty` would repeat every rule
 * by hand inside libs/contracts, which must stay free of framework imports (eslint forbids
 * `@nestjs/*` there); the plugin is a compile-time transformer, and the services run through
 * ts-node/ts-jest in transpile-only mode, where it does not run. class-validator-jsonschema 5.2 is
 * maintained and declares class-validator ^0.15 as a peer.
 */

type Schema = SchemaObject | ReferenceObject;
type GeneratorOptions = NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>;

/** The parts of class-validator's ValidationMetadata a converter reads. */
interface ConstraintMetadata {
  type: string;
  target: object | string;
  propertyName: string;
}

/**
 * The contracts' own rules (`ValidateBy` in libs/contracts/src/api), described for readers. A rule
 * missing here still gets the property's type, and is reported by {@link undocumentedRules}.
 */
const CUSTOM_RULES: Record<string, SchemaObject> = {
  isNamespaceName: { maxLength: 63, description: 'a lowercase RFC 1123 label: lowercase alphanumerics and -, starting and ending with an alphanumeric' },
  isImageStreamName: { maxLength: 255, description: 'lowercase alphanumerics separated by single ., _ or - ([a-z0-9]+(?:[._-][a-z0-9]+)*)' },
  isTagName: { maxLength: 128, description: 'a tag: [\\w][\\w.-]{0,127}' },
  isDigest: { description: 'a digest: sha256:<64 lowercase hex characters>' },
  isImageReference: { description: 'a docker/OCI image reference, e.g. quay.io/team/app:1.0 or ...@sha256:...' },
  isMediaType: { description: 'a media type: type/subtype' },
  isEmptyWhenManifestsSet: { description: 'must be empty when dockerImageManifests is set (a manifest list has no layers of its own)' },
  isLabels: {
    type: 'object',
    additionalProperties: { type: 'string', maxLength: 63 },
    description: 'Kubernetes labels: keys are names (optionally prefixed by a DNS subdomain and /), values empty or names of at most 63 characters',
  },
  isAnnotations: { type: 'object', additionalProperties: { type: 'string' }, description: 'Kubernetes annotations: keys as for labels, string values, at most 256 KiB in all' },
  isStringMap: { type: 'object', additionalProperties: { type: 'string' } },
};

const unknownRules = new Set<string>();

function designTypeSchema(meta: ConstraintMetadata): SchemaObject {
  const type: unknown = typeof meta.target === 'function' ? Reflect.getMetadata('design:type', meta.target.prototype as object, meta.propertyName) : undefined;
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  return {};
}

/** Whether the property holds a nested DTO (`@Type(() => Class)`), which its `$ref` describes. */
function isNestedClass(meta: ConstraintMetadata): boolean {
  return typeof meta.target === 'function' && defaultMetadataStorage.findTypeMetadata(meta.target, meta.propertyName) !== undefined;
}

const converters = {
  // Required-ness is the schema's `required` list; the library's `not: {type: null}` is not OpenAPI 3.0.
  [ValidationTypes.IS_DEFINED]: {},
  // Nested DTOs also carry @IsObject (an array must not pass for one); their `$ref` already says
  // so, and OpenAPI 3.0 ignores anything next to a `$ref`.
  isObject: (meta: ConstraintMetadata): SchemaObject => (isNestedClass(meta) ? {} : { type: 'object' }),
  // Every `ValidateBy` rule without a converter of its own lands here, named by its rule.
  [ValidationTypes.CUSTOM_VALIDATION]: (meta: ConstraintMetadata): SchemaObject => {
    const known = CUSTOM_RULES[meta.type];
    if (!known && meta.type !== ValidationTypes.CUSTOM_VALIDATION) unknownRules.add(meta.type);
    return { ...designTypeSchema(meta), ...known };
  },
  ...Object.fromEntries(Object.entries(CUSTOM_RULES).map(([name, schema]) => [name, (meta: ConstraintMetadata) => ({ ...designTypeSchema(meta), ...schema })])),
};

let generated: Record<string, Schema> | undefined;

/** Every class-validator class loaded in the process, by class name (`#/components/schemas/<name>`). */
function allSchemas(): Record<string, Schema> {
  generated ??= validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
    // Our converters return @nestjs/swagger's SchemaObject, which types `type` as any string.
    additionalConverters: converters as unknown as GeneratorOptions['additionalConverters'],
  }) as Record<string, Schema>;
  return generated;
}

/** Names of the component schemas a schema (or any JSON) points at with `$ref`. */
export function referencedSchemas(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) referencedSchemas(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string') found.add(inner.replace('#/components/schemas/', ''));
      else referencedSchemas(inner, found);
    }
  }
  return found;
}

/**
 * The schemas of these DTO classes and of every class they nest, by name. Only what the document
 * references: the process also holds config and NATS command classes that are nobody's business.
 */
export function requestSchemas(roots: string[]): Record<string, Schema> {
  const all = allSchemas();
  const result: Record<string, Schema> = {};
  const pending = [...roots];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (result[name] || !all[name]) continue;
    result[name] = all[name];
    pending.push(...referencedSchemas(all[name]));
  }
  return result;
}

/** Rules (`ValidateBy` names) met while generating that {@link CUSTOM_RULES} does not describe. */
export function undocumentedRules(): string[] {
  allSchemas();
  return [...unknownRules].sort();
}
