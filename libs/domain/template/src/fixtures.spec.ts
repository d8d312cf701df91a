import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { legacyKindGroup } from './legacy-api-versions';
import { processTemplate } from './process-template';
import type { JsonObject, JsonValue, ProcessedTemplate, Template, TemplateParameter } from './types';

// Third-party fixtures (OpenShift's catalog and library-go's test data) are read in place from the
// workspace's shared folder, never copied into this project.
const FIXTURES = resolve(__dirname, '../../../../../shared/fixtures');

const readJson = <T = WithContent<Template>>(...path: string[]): T => JSON.parse(readFileSync(join(FIXTURES, ...path), 'utf8')) as T;
const listJson = (...path: string[]) => (existsSync(join(FIXTURES, ...path)) ? readdirSync(join(FIXTURES, ...path)).filter((name) => name.endsWith('.json')).sort() : []);

/** Every fixture template has objects and parameters, so tests read them as present. */
type WithContent<T> = T & { objects: JsonObject[]; parameters: TemplateParameter[] };

function processOrFail(template: Template, parameterValues?: Record<string, string>): WithContent<ProcessedTemplate> {
  const result = processTemplate(template, { parameterValues });
  if (result.errors) throw new Error(`processing failed: ${JSON.stringify(result.errors, null, 2)}`);
  return result.template as WithContent<ProcessedTemplate>;
}

function found<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} not found`);
  return value;
}

/** Every string in `value`, map keys included. */
function allStrings(value: JsonValue): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, member]) => [key, ...allStrings(member)]);
  return [];
}

/** The catalog's expressions are valid JavaScript regular expressions for their own output. */
const shapeOf = (from = '') => new RegExp(`^${from}$`);

const valueOf = (template: WithContent<ProcessedTemplate>, name: string) => found(template.parameters.find((parameter) => parameter.name === name), name).value ?? '';

// Test bodies read the files while Jest collects them, so without the folder nothing is defined but a skipped marker.
function fixtureTests(): void {
  describe('library-go guestbook.json → guestbook_list.json', () => {
    const input = readJson('template-processing', 'guestbook.json');
    const expected = readJson<WithContent<ProcessedTemplate>>('template-processing', 'guestbook_list.json');
    // library-go's test appends this parameter before processing.
    const withCustomParameter: Template = { ...input, parameters: [...input.parameters, { name: 'CUSTOM_PARAM1', value: '1' }] };
    const result = processOrFail(withCustomParameter);
    const generatedNames = expected.parameters.filter((parameter) => parameter.generate).map((parameter) => parameter.name);

    it('generates ADMIN_USERNAME, ADMIN_PASSWORD and REDIS_PASSWORD in the shape of their expressions', () => {
      expect(generatedNames).toEqual(['ADMIN_USERNAME', 'ADMIN_PASSWORD', 'REDIS_PASSWORD']);
      for (const parameter of result.parameters.filter((each) => each.generate)) {
        expect(parameter.value).toMatch(shapeOf(parameter.from));
      }
    });

    it('equals the expected output once Go\'s random values are swapped for ours', () => {
      let expectedText = JSON.stringify(expected);
      for (const name of generatedNames) {
        const goValue = valueOf(expected, name);
        expectedText = expectedText.split(goValue).join(valueOf(result, name));
      }
      expect(result).toEqual(JSON.parse(expectedText));
    });

    it('does not share values between parameters with the same expression', () => {
      // 62^8 possible passwords: equal values would mean one draw was reused.
      expect(valueOf(result, 'ADMIN_PASSWORD')).not.toBe(valueOf(result, 'REDIS_PASSWORD'));
    });
  });

  const catalogTemplates = listJson('openshift-library', 'templates');
  const historicalTemplates = ['library-fe631bf2-deploymentconfig-era', 'openshift-rails-ex-2ce325c-2015', 'openshift-rails-ex-57f0209', 'sclorg-rails-ex-4ada33c'].flatMap((folder) =>
    listJson('openshift-library', 'historical', folder).map((file) => join('historical', folder, file)),
  );
  // cache-service needs APPLICATION_USER (required, no default, no generator), see below.
  const requiredInput: Record<string, Record<string, string>> = { 'cache-service.json': { APPLICATION_USER: 'developer' } };

  it('finds the ten catalog templates', () => {
    expect(catalogTemplates).toHaveLength(10);
  });

  describe.each([...catalogTemplates.map((file) => join('templates', file)), ...historicalTemplates])('%s', (file) => {
    const input = readJson('openshift-library', file);
    const supplied = requiredInput[file.replace(/^templates\//, '')];
    const result = processOrFail(input, supplied);
    const parameterNames = new Set(input.parameters.map((parameter) => parameter.name));

    it('gives every parameter its default, the supplied value, or a value in the shape of its expression', () => {
      input.parameters.forEach((parameter: TemplateParameter, index) => {
        const output = result.parameters[index];
        if (supplied?.[parameter.name] !== undefined) expect(output.value).toBe(supplied[parameter.name]);
        else if (parameter.value) expect(output.value).toBe(parameter.value);
        else if (parameter.generate) expect(output.value).toMatch(shapeOf(parameter.from));
        else expect(output.value ?? '').toBe('');
      });
    });

    it('leaves no reference to a parameter in the objects or the message', () => {
      const leftovers = [...allStrings(result.objects as JsonValue), result.message ?? '']
        .flatMap((text) => [...text.matchAll(/\$\{\{?([a-zA-Z0-9_]+)\}/g)])
        .filter((match) => parameterNames.has(match[1]));
      expect(leftovers).toEqual([]);
    });

    it('merges the template labels into every object\'s metadata.labels, and nowhere else', () => {
      expect(Object.keys(result.labels ?? {}).length).toBeGreaterThan(0);
      result.objects.forEach((object, index) => {
        const ownLabels = ((input.objects[index] as JsonObject)['metadata'] as JsonObject)['labels'] as Record<string, string> | undefined;
        const substitutedOwnLabels = Object.fromEntries(Object.entries(ownLabels ?? {}).map(([key, value]) => [key, value.replace(/\$\{(\w+)\}/g, (_, name: string) => valueOf(result, name))]));
        expect((object['metadata'] as JsonObject)['labels']).toEqual({ ...substitutedOwnLabels, ...result.labels });
        expect(JSON.stringify(object['spec'] ?? {})).not.toContain(`"template":"${result.labels?.['template']}"`);
      });
    });

    it('creates every object in the target namespace (none is hard-coded)', () => {
      for (const object of result.objects) expect(object['metadata']).not.toHaveProperty('namespace');
    });

    it('gives every legacy OpenShift kind its API group and keeps the rest', () => {
      result.objects.forEach((object, index) => {
        const original = input.objects[index] as JsonObject;
        const group = original['apiVersion'] === 'v1' ? legacyKindGroup(original['kind'] as string) : undefined;
        expect(object['apiVersion']).toBe(group ? `${group}/v1` : original['apiVersion']);
      });
    });
  });

  describe('catalog facts (reference §11)', () => {
    const catalog = (name: string) => readJson('openshift-library', 'templates', `${name}.json`);

    it('postgresql-ephemeral needs no input: user[A-Z0-9]{3} and [a-zA-Z0-9]{16} are generated and shown in the message', () => {
      const result = processOrFail(catalog('postgresql-ephemeral'));
      const user = valueOf(result, 'POSTGRESQL_USER');
      const password = valueOf(result, 'POSTGRESQL_PASSWORD');
      expect(user).toMatch(/^user[A-Z0-9]{3}$/);
      expect(password).toMatch(/^[a-zA-Z0-9]{16}$/);
      expect(result.message).toContain(`Username: ${user}`);
      expect(result.message).toContain(`Password: ${password}`);
      expect(result.labels).toEqual({ template: 'postgresql-ephemeral-template' });
    });

    it('cache-service without input fails with the Required error on APPLICATION_USER', () => {
      expect(processTemplate(catalog('cache-service'))).toEqual({
        errors: [
          {
            field: 'template.parameters[6]',
            reason: 'FieldValueRequired',
            message: 'Required value: template.parameters[6]: parameter APPLICATION_USER is required and must be specified',
          },
        ],
      });
    });

    it('cache-service sets replicas from ${{NUMBER_OF_INSTANCES}} as a number', () => {
      const result = processOrFail(catalog('cache-service'), { APPLICATION_USER: 'developer', NUMBER_OF_INSTANCES: '3' });
      const statefulSet = found(result.objects.find((object) => object['kind'] === 'StatefulSet'), 'StatefulSet');
      expect((statefulSet['spec'] as JsonObject)['replicas']).toBe(3);
    });

    it('jenkins-ephemeral is deterministic and holds the documented kinds', () => {
      const first = processOrFail(catalog('jenkins-ephemeral'));
      expect(processOrFail(catalog('jenkins-ephemeral'))).toEqual(first);
      expect(first.objects.map((object) => `${object['apiVersion']} ${object['kind']}`)).toEqual([
        'route.openshift.io/v1 Route',
        'v1 ConfigMap',
        'apps.openshift.io/v1 DeploymentConfig',
        'v1 ServiceAccount',
        'authorization.openshift.io/v1 RoleBinding',
        'v1 Service',
        'v1 Service',
      ]);
      expect(first.parameters.filter((parameter) => parameter.generate)).toEqual([]);
    });

    it.each([
      ['django-psql-example', 'DJANGO_SECRET_KEY'],
      ['cakephp-mysql-example', 'CAKEPHP_SECRET_TOKEN'],
    ])('%s generates its [\\w]{50} secret %s', (name, parameter) => {
      const value = valueOf(processOrFail(catalog(name)), parameter);
      expect(value).toMatch(/^\w{50}$/);
    });

    it.each(['nodejs-postgresql-example', 'httpd-example'])('%s has a Generic webhook trigger with the generated secret', (name) => {
      const result = processOrFail(catalog(name));
      const buildConfig = found(result.objects.find((object) => object['kind'] === 'BuildConfig'), 'BuildConfig');
      const triggers = (buildConfig['spec'] as JsonObject)['triggers'] as JsonObject[];
      const generic = found(triggers.find((trigger) => trigger['type'] === 'Generic'), 'Generic trigger');
      const secret = valueOf(result, 'GENERIC_WEBHOOK_SECRET');
      expect(secret).toMatch(/^[a-zA-Z0-9]{40}$/);
      expect(generic['generic']).toEqual({ secret });
    });

    it('rails-postgresql-example generates a 127-character SECRET_KEY_BASE and labels objects with app and template', () => {
      const result = processOrFail(catalog('rails-postgresql-example'));
      expect(valueOf(result, 'SECRET_KEY_BASE')).toMatch(/^[a-z0-9]{127}$/);
      expect(result.labels).toEqual({ app: 'rails-postgresql-example', template: 'rails-postgresql-example' });
      expect(result.message).toMatch(/^The following service\(s\) have been created in your project: rails-postgresql-example, postgresql\./);
    });

    it('the 2015 rails template (ungrouped v1 throughout) comes out grouped', () => {
      const result = processOrFail(readJson('openshift-library', 'historical', 'openshift-rails-ex-2ce325c-2015', 'rails-postgresql.json'));
      expect(result.objects.map((object) => `${object['apiVersion']} ${object['kind']}`)).toEqual([
        'v1 Service',
        'route.openshift.io/v1 Route',
        'image.openshift.io/v1 ImageStream',
        'image.openshift.io/v1 ImageStream',
        'build.openshift.io/v1 BuildConfig',
        'apps.openshift.io/v1 DeploymentConfig',
        'v1 Service',
        'apps.openshift.io/v1 DeploymentConfig',
      ]);
      expect([result.apiVersion, result.kind]).toEqual(['template.openshift.io/v1', 'Template']);
    });
  });
}

if (existsSync(FIXTURES)) {
  describe('fixtures', fixtureTests);
} else {
  console.warn(`Fixture compatibility tests skipped: ${FIXTURES} does not exist.`);
  // Reading the fixtures would fail outside the workspace, so their tests are not declared at all.
  it('reports that the OpenShift fixtures are absent here', () => {
    expect(existsSync(FIXTURES)).toBe(false);
  });
}
