import { ImageStreamInput, MAX_TEMPLATE_BYTES, validatePayload } from '@imagestreams/contracts';
import { processTemplate, type JsonObject } from '@imagestreams/domain-template';
import { storedTemplate } from '../../templates/template-body';
import { SAMPLES_CATALOG, type CatalogTemplate } from './index';

const streams = new Map(SAMPLES_CATALOG.imageStreams.map((stream) => [stream.metadata.name, stream]));
const templateNames = SAMPLES_CATALOG.templates.map((template) => template.metadata.name);

function processed(template: CatalogTemplate, parameterValues: Record<string, string> = {}): JsonObject[] {
  const result = processTemplate(template as never, { parameterValues, namespace: 'demo' });
  if (result.errors) throw new Error(`${template.metadata.name}: ${JSON.stringify(result.errors)}`);
  return result.template.objects ?? [];
}

function objectsOf(objects: JsonObject[], kind: string): JsonObject[] {
  return objects.filter((object) => object['kind'] === kind);
}

function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((current, key) => (current as Record<string, unknown> | undefined)?.[key], value);
}

/** The `<stream>:<tag>` references an object makes to the samples namespace (`namespace: openshift` after processing). */
function samplesReferences(objects: JsonObject[]): string[] {
  const references: string[] = [];
  for (const object of objects) {
    const builder = at(object, 'spec.strategy.sourceStrategy.from') as { name: string; namespace?: string } | undefined;
    if (builder?.namespace === 'openshift') references.push(builder.name);
    const annotation = at(object, 'metadata.annotations') as Record<string, string> | undefined;
    for (const trigger of JSON.parse(annotation?.['image.openshift.io/triggers'] ?? '[]') as { from: { name: string; namespace?: string } }[]) {
      if (trigger.from.namespace === 'openshift') references.push(trigger.from.name);
    }
    for (const trigger of (at(object, 'spec.triggers') as { imageChangeParams?: { from: { name: string; namespace?: string } } }[] | undefined) ?? []) {
      if (trigger.imageChangeParams?.from.namespace === 'openshift') references.push(trigger.imageChangeParams.from.name);
    }
  }
  return references;
}

describe('the samples catalog', () => {
  it('has the builder and database streams and the five templates', () => {
    expect([...streams.keys()]).toEqual(['ruby', 'nodejs', 'python', 'httpd', 'postgresql', 'mysql', 'redis']);
    expect(templateNames).toEqual(['rails-postgresql-example', 'rails-pgsql-persistent', 'postgresql-ephemeral', 'postgresql-persistent', 'nodejs-postgresql-example']);
    expect(SAMPLES_CATALOG.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  describe.each([...streams.values()].map((stream) => [stream.metadata.name, stream] as const))('image stream %s', (name, stream) => {
    it('is a valid ImageStream body, in OpenShift form', () => {
      expect(validatePayload(ImageStreamInput, stream).ok).toBe(true);
      expect(stream).toMatchObject({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name, annotations: { 'openshift.io/display-name': expect.any(String) } } });
      expect(stream.spec.lookupPolicy).toEqual({ local: false });
    });

    it('has a few versioned DockerImage tags from public registries, imported once (never scheduled), referenced locally', () => {
      const versioned = stream.spec.tags.filter((tag) => tag.name !== 'latest');
      expect(versioned.length).toBeGreaterThanOrEqual(2);
      for (const tag of stream.spec.tags) {
        expect(tag.referencePolicy).toEqual({ type: 'Local' });
        expect(tag.importPolicy).toEqual({});
        expect(tag.generation).toBeNull();
        expect(tag.annotations).toMatchObject({
          description: expect.any(String),
          iconClass: expect.stringMatching(/^icon-/),
          'openshift.io/display-name': expect.any(String),
          'openshift.io/provider-display-name': expect.any(String),
          tags: expect.stringMatching(new RegExp(`^(builder|database),${name}$`)),
          supports: expect.stringContaining(name),
          version: expect.any(String),
        });
      }
      for (const tag of versioned) {
        expect(tag.from).toEqual({ kind: 'DockerImage', name: expect.stringMatching(/^(registry\.access\.redhat\.com\/ubi[89]|quay\.io\/sclorg)\/[a-z0-9-]+:latest$/) });
        expect(tag.annotations['version']).toBe(tag.name.split('-')[0]);
      }
    });

    it('has latest as an alias of its newest tag', () => {
      const latest = stream.spec.tags.find((tag) => tag.name === 'latest');
      const target = stream.spec.tags.find((tag) => tag.name === latest?.from.name);

      expect(latest?.from.kind).toBe('ImageStreamTag');
      expect(target?.from.kind).toBe('DockerImage');
      expect(latest?.annotations['version']).toBe(target?.annotations['version']);
      expect(stream.spec.tags.at(-1)?.name).toBe('latest');
    });
  });

  describe.each(SAMPLES_CATALOG.templates.map((template) => [template.metadata.name, template] as const))('template %s', (name, template) => {
    it('is stored as it is (valid, within the size limit)', () => {
      expect(() => storedTemplate(template as unknown as Record<string, unknown>)).not.toThrow();
      expect(Buffer.byteLength(JSON.stringify(template))).toBeLessThan(MAX_TEMPLATE_BYTES);
      expect(template.metadata.annotations).toMatchObject({ 'openshift.io/display-name': expect.any(String), description: expect.any(String), iconClass: expect.any(String), tags: expect.any(String) });
    });

    it('processes cleanly with no values given, generating what it needs and labelling every object', () => {
      const objects = processed(template);

      expect(objects.length).toBeGreaterThan(2);
      for (const object of objects) expect(at(object, 'metadata.labels')).toMatchObject(template.labels);
      expect(JSON.stringify(objects)).not.toMatch(/\$\{/);
    });

    it('processes with every parameter given', () => {
      const values = Object.fromEntries(template.parameters.map((parameter) => [parameter.name, parameter.name === 'NAMESPACE' ? 'openshift' : `v-${parameter.name.toLowerCase()}`]));

      expect(() => processed(template, values)).not.toThrow();
    });

    it('starts from image stream tags the catalog has', () => {
      const references = samplesReferences(processed(template));

      expect(references.length).toBeGreaterThan(0);
      for (const reference of references) {
        const [stream, tag] = reference.split(':');
        expect(streams.get(stream)?.spec.tags.map((candidate) => candidate.name)).toContain(tag);
      }
    });
  });

  it.each(['rails-postgresql-example', 'rails-pgsql-persistent', 'nodejs-postgresql-example'])('%s builds from Git into its own image stream, on image, config, GitHub and generic triggers', (name) => {
    const objects = processed(SAMPLES_CATALOG.templates.find((template) => template.metadata.name === name) as CatalogTemplate);
    const [buildConfig] = objectsOf(objects, 'BuildConfig');

    expect(at(buildConfig, 'spec.output.to')).toEqual({ kind: 'ImageStreamTag', name: `${name}:latest` });
    expect(objectsOf(objects, 'ImageStream').map((stream) => at(stream, 'metadata.name'))).toEqual([name]);
    expect((at(buildConfig, 'spec.triggers') as { type: string }[]).map((trigger) => trigger.type)).toEqual(['ImageChange', 'ConfigChange', 'GitHub', 'Generic']);
    const secrets = (at(buildConfig, 'spec.triggers') as { github?: { secret: string }; generic?: { secret: string } }[]).flatMap((trigger) => [trigger.github?.secret, trigger.generic?.secret]).filter(Boolean);
    expect(secrets).toEqual([expect.stringMatching(/^[a-zA-Z0-9]{40}$/), expect.stringMatching(/^[a-zA-Z0-9]{40}$/)]);
    expect(objectsOf(objects, 'Route')).toHaveLength(1);
    expect(objectsOf(objects, 'Service')).toHaveLength(2);
  });

  it('rails: a 127-character secret key base, Deployments whose images follow image stream tags, the migration in an init container', () => {
    const objects = processed(SAMPLES_CATALOG.templates[0]);
    const [secret] = objectsOf(objects, 'Secret');
    const [app, database] = objectsOf(objects, 'Deployment');

    expect(at(secret, 'stringData.keybase')).toMatch(/^[a-z0-9]{127}$/);
    expect(at(secret, 'stringData.database-user')).toMatch(/^user[A-Z0-9]{3}$/);
    expect(JSON.parse((at(app, 'metadata.annotations') as Record<string, string>)['image.openshift.io/triggers'])).toEqual([
      { from: { kind: 'ImageStreamTag', name: 'rails-postgresql-example:latest' }, fieldPath: 'spec.template.spec.containers[0].image' },
      { from: { kind: 'ImageStreamTag', name: 'rails-postgresql-example:latest' }, fieldPath: 'spec.template.spec.initContainers[0].image' },
    ]);
    expect(at(app, 'spec.template.spec.initContainers')).toEqual([expect.objectContaining({ command: ['./migrate-database.sh'] })]);
    expect(JSON.parse((at(database, 'metadata.annotations') as Record<string, string>)['image.openshift.io/triggers'])).toEqual([
      { from: { kind: 'ImageStreamTag', name: 'postgresql:16-el9', namespace: 'openshift' }, fieldPath: 'spec.template.spec.containers[0].image' },
    ]);
    expect(objectsOf(objects, 'PersistentVolumeClaim')).toEqual([]);
  });

  it.each(['rails-pgsql-persistent', 'postgresql-persistent'])('%s keeps the database on a claim of VOLUME_CAPACITY', (name) => {
    const objects = processed(SAMPLES_CATALOG.templates.find((template) => template.metadata.name === name) as CatalogTemplate, { VOLUME_CAPACITY: '5Gi' });
    const [claim] = objectsOf(objects, 'PersistentVolumeClaim');
    const database = objectsOf(objects, 'Deployment').find((deployment) => at(deployment, 'metadata.name') === 'postgresql');

    expect(at(claim, 'spec.resources.requests.storage')).toBe('5Gi');
    expect(at(database, 'spec.template.spec.volumes')).toEqual([{ name: 'postgresql-data', persistentVolumeClaim: { claimName: 'postgresql' } }]);
  });

  it('postgresql-ephemeral needs no input: the user is required and generated, the password generated', () => {
    const [secret] = objectsOf(processed(SAMPLES_CATALOG.templates[2]), 'Secret');

    expect(at(secret, 'stringData')).toEqual({ 'database-name': 'sampledb', 'database-user': expect.stringMatching(/^user[A-Z0-9]{3}$/), 'database-password': expect.stringMatching(/^[a-zA-Z0-9]{16}$/) });
  });

  it('nodejs-postgresql-example deploys with DeploymentConfigs on ImageChange and ConfigChange triggers', () => {
    const configs = objectsOf(processed(SAMPLES_CATALOG.templates[4]), 'DeploymentConfig');

    expect(configs.map((config) => at(config, 'spec.triggers'))).toEqual([
      [
        { type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['nodejs-postgresql-example'], from: { kind: 'ImageStreamTag', name: 'nodejs-postgresql-example:latest' } } },
        { type: 'ConfigChange' },
      ],
      [{ type: 'ImageChange', imageChangeParams: { automatic: true, containerNames: ['postgresql'], from: { kind: 'ImageStreamTag', name: 'postgresql:16-el9', namespace: 'openshift' } } }, { type: 'ConfigChange' }],
    ]);
  });
});
