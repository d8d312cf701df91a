import { SAMPLES_MANAGED_LABEL, SAMPLES_VERSION_ANNOTATION } from '@imagestreams/contracts';
import type { CatalogImageStream, CatalogTemplate, SamplesCatalog } from './catalog';
import { SAMPLES_CATALOG } from './catalog';
import {
  desiredImageStream,
  desiredTemplate,
  effectiveState,
  importFailures,
  planSamples,
  type DesiredImageStream,
  type ExistingImageStream,
  type ExistingTemplate,
  type SampleAction,
  type SamplesIntent,
} from './samples-plan';

const TARGET = { namespace: 'openshift', version: '1.0.0' };
const MANAGED: SamplesIntent = { state: 'Managed', samplesRegistry: '', skippedImagestreams: [], skippedTemplates: [] };

function stream(name: string, tags: [string, string][], latest?: string): CatalogImageStream {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, annotations: { 'openshift.io/display-name': name } },
    spec: {
      lookupPolicy: { local: false },
      tags: [
        ...tags.map(([tag, image]) => ({
          name: tag,
          annotations: { version: tag },
          from: { kind: 'DockerImage' as const, name: image },
          generation: null,
          importPolicy: {},
          referencePolicy: { type: 'Local' as const },
        })),
        ...(latest
          ? [{ name: 'latest', annotations: { version: latest }, from: { kind: 'ImageStreamTag' as const, name: latest }, generation: null, importPolicy: {}, referencePolicy: { type: 'Local' as const } }]
          : []),
      ],
    },
  };
}

function template(name: string): CatalogTemplate {
  return {
    apiVersion: 'template.openshift.io/v1',
    kind: 'Template',
    metadata: { name, annotations: { description: name } },
    message: 'hi',
    objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: '${NAME}' } }],
    parameters: [
      { name: 'NAME', value: name, required: true },
      { name: 'NAMESPACE', value: 'openshift', required: true },
    ],
    labels: { template: name },
  };
}

const CATALOG: SamplesCatalog = {
  version: '1.0.0',
  imageStreams: [stream('ruby', [['3.3-ubi9', 'registry.access.redhat.com/ubi9/ruby-33:latest']], '3.3-ubi9'), stream('postgresql', [['16-el9', 'quay.io/sclorg/postgresql-16-c9s:latest']])],
  templates: [template('rails'), template('postgresql-ephemeral')],
};

/** What stream-service stores and answers for a stream written with `body`: its defaults applied, generations set. */
function stored(body: DesiredImageStream, generation = 1): ExistingImageStream {
  return {
    name: body.metadata.name,
    labels: { ...body.metadata.labels },
    annotations: { ...body.metadata.annotations },
    spec: {
      lookupPolicy: { local: body.spec.lookupPolicy.local },
      ...(body.spec.dockerImageRepository ? { dockerImageRepository: body.spec.dockerImageRepository } : {}),
      tags: body.spec.tags.map((tag) => ({
        ...tag,
        annotations: tag.annotations == null ? null : { ...tag.annotations },
        generation: tag.generation ?? generation,
        importPolicy: { ...tag.importPolicy, importMode: tag.importPolicy?.importMode || 'Legacy' },
        referencePolicy: { type: tag.referencePolicy?.type || 'Source' },
      })),
    },
    status: { tags: [] },
  };
}

/** What template-service stores and answers (without server metadata) for a template written with `body`. */
function storedTemplate(body: Record<string, unknown>): ExistingTemplate {
  const metadata = body['metadata'] as { name: string; labels?: Record<string, string> };
  return { name: metadata.name, labels: metadata.labels ?? {}, template: JSON.parse(JSON.stringify(body)) as Record<string, unknown> };
}

function applied(catalog: SamplesCatalog, intent: SamplesIntent = MANAGED) {
  return {
    imageStreams: catalog.imageStreams.map((candidate) => stored(desiredImageStream(candidate, intent, TARGET))),
    templates: catalog.templates.map((candidate) => storedTemplate(desiredTemplate(candidate, TARGET))),
  };
}

function summary(actions: SampleAction[]): string[] {
  return actions.map((action) => `${action.action} ${action.kind} ${action.name}`);
}

function plan(intent: Partial<SamplesIntent>, current: { imageStreams: ExistingImageStream[]; templates: ExistingTemplate[] }, catalog = CATALOG): SampleAction[] {
  return planSamples({ catalog, intent: { ...MANAGED, ...intent }, target: TARGET, ...current });
}

describe('effectiveState', () => {
  it.each([
    ['Managed', 'Managed'],
    ['Unmanaged', 'Unmanaged'],
    ['Removed', 'Removed'],
    ['Force', 'Managed'],
    ['', 'Managed'],
    [undefined, 'Managed'],
  ])('%p acts as %s', (state, expected) => {
    expect(effectiveState(state)).toBe(expected);
  });
});

describe('desired samples', () => {
  it('marks a stream managed with the catalog version, and rewrites only DockerImage sources', () => {
    const desired = desiredImageStream(CATALOG.imageStreams[0], { samplesRegistry: 'mirror.example.com:5000' }, TARGET);

    expect(desired.metadata).toEqual({
      name: 'ruby',
      labels: { [SAMPLES_MANAGED_LABEL]: 'true' },
      annotations: { 'openshift.io/display-name': 'ruby', [SAMPLES_VERSION_ANNOTATION]: '1.0.0' },
    });
    expect(desired.spec.tags.map((tag) => tag.from)).toEqual([
      { kind: 'DockerImage', name: 'mirror.example.com:5000/ubi9/ruby-33:latest' },
      { kind: 'ImageStreamTag', name: '3.3-ubi9' },
    ]);
    // The catalog itself is left as it was.
    expect(CATALOG.imageStreams[0].spec.tags[0].from.name).toBe('registry.access.redhat.com/ubi9/ruby-33:latest');
  });

  it('rewrites spec.dockerImageRepository too', () => {
    const withRepository: CatalogImageStream = { ...CATALOG.imageStreams[1], spec: { ...CATALOG.imageStreams[1].spec, dockerImageRepository: 'quay.io/sclorg/postgresql-16-c9s' } };

    expect(desiredImageStream(withRepository, { samplesRegistry: 'm.example' }, TARGET).spec.dockerImageRepository).toBe('m.example/sclorg/postgresql-16-c9s');
  });

  it('marks a template managed, and points its NAMESPACE parameter at the samples namespace', () => {
    const desired = desiredTemplate(CATALOG.templates[0], { namespace: 'samples', version: '2.0.0' });

    expect(desired['metadata']).toEqual({ name: 'rails', annotations: { description: 'rails', [SAMPLES_VERSION_ANNOTATION]: '2.0.0' }, labels: { [SAMPLES_MANAGED_LABEL]: 'true' } });
    expect(desired['parameters']).toEqual([
      { name: 'NAME', value: 'rails', required: true },
      { name: 'NAMESPACE', value: 'samples', required: true },
    ]);
    expect(CATALOG.templates[0].parameters[1].value).toBe('openshift');
  });
});

describe('planSamples', () => {
  it('Managed, nothing there yet: creates every stream, then every template, in catalog order', () => {
    const actions = plan({}, { imageStreams: [], templates: [] });

    expect(summary(actions)).toEqual(['create ImageStream ruby', 'create ImageStream postgresql', 'create Template rails', 'create Template postgresql-ephemeral']);
    expect(actions[0]).toMatchObject({ imageStream: desiredImageStream(CATALOG.imageStreams[0], MANAGED, TARGET) });
  });

  it('Managed, everything as applied (with the defaults and generations stream-service adds): nothing to do', () => {
    expect(plan({}, applied(CATALOG))).toEqual([]);
  });

  it('the real catalog, applied: nothing to do', () => {
    expect(plan({}, applied(SAMPLES_CATALOG), SAMPLES_CATALOG)).toEqual([]);
    const mirrored = { ...MANAGED, samplesRegistry: 'mirror.example.com' };
    expect(plan(mirrored, applied(SAMPLES_CATALOG, mirrored), SAMPLES_CATALOG)).toEqual([]);
  });

  it('re-creates a sample that was deleted', () => {
    const current = applied(CATALOG);

    expect(summary(plan({}, { imageStreams: current.imageStreams.slice(1), templates: current.templates.slice(1) }))).toEqual(['create ImageStream ruby', 'create Template rails']);
  });

  it('a registry change updates every stream (templates untouched)', () => {
    const actions = plan({ samplesRegistry: 'mirror.example.com' }, applied(CATALOG));

    expect(summary(actions)).toEqual(['update ImageStream ruby', 'update ImageStream postgresql']);
    expect(actions[1]).toMatchObject({ imageStream: { spec: { tags: [{ name: '16-el9', from: { kind: 'DockerImage', name: 'mirror.example.com/sclorg/postgresql-16-c9s:latest' } }] } } });
  });

  it('restores what a user changed in a stream, keeping what the catalog does not set', () => {
    const current = applied(CATALOG);
    const ruby = current.imageStreams[0];
    ruby.annotations['team'] = 'a';
    ruby.labels['owner'] = 'me';
    ruby.spec.tags = [
      { ...(ruby.spec.tags ?? [])[0], from: { kind: 'DockerImage', name: 'evil.example.com/ruby:1' } },
      ...(ruby.spec.tags ?? []).slice(1),
      { name: 'mine', annotations: null, from: { kind: 'DockerImage', name: 'example.com/a/b:1' }, generation: 4 },
    ];

    const actions = plan({}, current);

    expect(summary(actions)).toEqual(['update ImageStream ruby']);
    const update = actions[0] as Extract<SampleAction, { imageStream: DesiredImageStream }>;
    expect(update.imageStream.metadata.labels).toEqual({ owner: 'me', [SAMPLES_MANAGED_LABEL]: 'true' });
    expect(update.imageStream.metadata.annotations).toMatchObject({ team: 'a', [SAMPLES_VERSION_ANNOTATION]: '1.0.0' });
    expect(update.imageStream.spec.tags.map((tag) => [tag.name, tag.from?.name])).toEqual([
      ['3.3-ubi9', 'registry.access.redhat.com/ubi9/ruby-33:latest'],
      ['latest', '3.3-ubi9'],
      ['mine', 'example.com/a/b:1'],
    ]);
    // ... and once that is applied, nothing more.
    expect(plan({}, { imageStreams: [stored(update.imageStream), current.imageStreams[1]], templates: current.templates })).toEqual([]);
  });

  it.each<[string, (stream: ExistingImageStream) => void]>([
    ['a removed catalog tag', (candidate) => (candidate.spec.tags = candidate.spec.tags?.slice(0, 1))],
    ['a scheduled import', (candidate) => ((candidate.spec.tags ?? [])[0].importPolicy = { scheduled: true })],
    ['another reference policy', (candidate) => ((candidate.spec.tags ?? [])[0].referencePolicy = { type: 'Source' })],
    ['a changed tag annotation', (candidate) => ((candidate.spec.tags ?? [])[0].annotations = { version: 'x' })],
    ['a lost managed label', (candidate) => (candidate.labels = {})],
    ['an older catalog version', (candidate) => (candidate.annotations[SAMPLES_VERSION_ANNOTATION] = '0.9.0')],
    ['a local lookup policy', (candidate) => (candidate.spec.lookupPolicy = { local: true })],
  ])('counts %s as drift', (_case, edit) => {
    const current = applied(CATALOG);
    edit(current.imageStreams[0]);

    expect(summary(plan({}, current))).toEqual(['update ImageStream ruby']);
  });

  it('does not count a tag the user added, an annotation of theirs or an import outcome as drift', () => {
    const current = applied(CATALOG);
    const ruby = current.imageStreams[0];
    ruby.annotations['openshift.io/image.dockerRepositoryCheck'] = 'now';
    ruby.spec.tags?.push({ name: 'old', from: { kind: 'DockerImage', name: 'x/y:1' } });
    (ruby.spec.tags ?? [])[0].generation = 7;
    ruby.status = { tags: [{ tag: '3.3-ubi9', conditions: [{ type: 'ImportSuccess', status: 'False', message: 'no', generation: 7 }] }] };

    expect(plan({}, current)).toEqual([]);
  });

  it('restores an edited template whole, and no other', () => {
    const current = applied(CATALOG);
    current.templates[1].template = { ...current.templates[1].template, message: 'edited' };

    const actions = plan({}, current);

    expect(summary(actions)).toEqual(['update Template postgresql-ephemeral']);
    expect(actions[0]).toMatchObject({ template: desiredTemplate(CATALOG.templates[1], TARGET) });
  });

  it('skipped samples: labelled managed "false" once, never created, updated or restored', () => {
    const current = applied(CATALOG);
    current.templates[0].template = { ...current.templates[0].template, message: 'edited' };
    const intent = { skippedImagestreams: ['ruby', 'not-in-catalog'], skippedTemplates: ['rails'] };

    expect(summary(plan(intent, current))).toEqual(['unmanage ImageStream ruby', 'unmanage Template rails']);

    current.imageStreams[0].labels[SAMPLES_MANAGED_LABEL] = 'false';
    current.templates[0].labels[SAMPLES_MANAGED_LABEL] = 'false';
    expect(plan(intent, current)).toEqual([]);
    expect(plan(intent, { imageStreams: current.imageStreams.slice(1), templates: current.templates.slice(1) })).toEqual([]);
  });

  it('a sample no longer skipped is applied again (managed "true")', () => {
    const current = applied(CATALOG);
    current.imageStreams[0].labels[SAMPLES_MANAGED_LABEL] = 'false';

    const actions = plan({}, current);

    expect(summary(actions)).toEqual(['update ImageStream ruby']);
    expect(actions[0]).toMatchObject({ imageStream: { metadata: { labels: { [SAMPLES_MANAGED_LABEL]: 'true' } } } });
  });

  it('Removed deletes every sample labelled managed "true" (also ones the catalog dropped), nothing else', () => {
    const current = applied(CATALOG);
    current.imageStreams[1].labels[SAMPLES_MANAGED_LABEL] = 'false';
    current.imageStreams.push({ name: 'users-own', labels: {}, annotations: {}, spec: {} }, { name: 'dropped', labels: { [SAMPLES_MANAGED_LABEL]: 'true' }, annotations: {}, spec: {} });

    expect(summary(plan({ state: 'Removed' }, current))).toEqual(['delete ImageStream ruby', 'delete ImageStream dropped', 'delete Template rails', 'delete Template postgresql-ephemeral']);
    expect(plan({ state: 'Removed' }, { imageStreams: current.imageStreams.slice(1, 3), templates: [] })).toEqual([]);
  });

  it('Unmanaged does nothing, whatever is there', () => {
    const current = applied(CATALOG);
    current.templates[0].template = { edited: true };

    expect(plan({ state: 'Unmanaged' }, current)).toEqual([]);
    expect(plan({ state: 'Unmanaged' }, { imageStreams: [], templates: [] })).toEqual([]);
  });
});

describe('importFailures', () => {
  function withStatus(tags: ExistingImageStream['status']): ExistingImageStream[] {
    const current = applied(CATALOG).imageStreams;
    current[0].status = tags;
    return current;
  }

  it('names the managed streams whose current import of a spec tag failed, with each tag message', () => {
    const streams = withStatus({ tags: [{ tag: '3.3-ubi9', conditions: [{ type: 'ImportSuccess', status: 'False', reason: 'InternalError', message: 'dial tcp: lookup failed', generation: 1 }] }] });

    expect(importFailures(CATALOG, MANAGED, streams)).toEqual([{ imageStream: 'ruby', tags: { '3.3-ubi9': 'dial tcp: lookup failed' } }]);
  });

  it.each<[string, ExistingImageStream['status'], Partial<SamplesIntent>]>([
    ['a failure of an older spec of the tag (its new import is pending)', { tags: [{ tag: '3.3-ubi9', conditions: [{ type: 'ImportSuccess', status: 'False', generation: 0 }] }] }, {}],
    ['a tag that left the spec', { tags: [{ tag: 'gone', conditions: [{ type: 'ImportSuccess', status: 'False', generation: 9 }] }] }, {}],
    ['a skipped stream', { tags: [{ tag: '3.3-ubi9', conditions: [{ type: 'ImportSuccess', status: 'False', generation: 1 }] }] }, { skippedImagestreams: ['ruby'] }],
    ['Removed', { tags: [{ tag: '3.3-ubi9', conditions: [{ type: 'ImportSuccess', status: 'False', generation: 1 }] }] }, { state: 'Removed' }],
    ['tags with images', { tags: [{ tag: '3.3-ubi9' }] }, {}],
  ])('ignores %s', (_case, status, intent) => {
    expect(importFailures(CATALOG, { ...MANAGED, ...intent }, withStatus(status))).toEqual([]);
  });
});
