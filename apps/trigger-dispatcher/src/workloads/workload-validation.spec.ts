import { WORKLOAD_KINDS, type WorkloadKind } from '@imagestreams/contracts';
import { workloadProblems } from './workload-validation';

const kind = (name: string) => WORKLOAD_KINDS.find((k) => k.kind === name) as WorkloadKind;
const ANNOTATION = 'image.openshift.io/triggers';
const deployment = (annotations?: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', ...(annotations ? { annotations } : {}) },
  spec: { template: { spec: { containers: [{ name: 'web', image: 'x' }] } } },
  ...extra,
});
const trigger = (fieldPath: string, extra: Record<string, unknown> = {}) => JSON.stringify([{ from: { kind: 'ImageStreamTag', name: 'app:latest' }, fieldPath, ...extra }]);

describe('workloadProblems', () => {
  it('accepts a valid annotated Deployment, BuildConfig and DeploymentConfig', () => {
    expect(workloadProblems(kind('Deployment'), deployment({ [ANNOTATION]: trigger('spec.template.spec.containers[?(@.name=="web")].image') }))).toEqual([]);
    expect(workloadProblems(kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { triggers: [] } })).toEqual([]);
    const references = { strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'ruby:3', namespace: 'openshift' } } }, output: { to: { kind: 'ImageStreamTag', name: 'app:latest' } } };
    expect(workloadProblems(kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { ...references, triggers: [{ type: 'ImageChange', imageChange: {} }] } })).toEqual([]);
    expect(workloadProblems(kind('DeploymentConfig'), { metadata: { name: 'dc' } })).toEqual([]);
  });

  it.each<[string, WorkloadKind, Record<string, unknown>, string]>([
    ['kind contradicting the path', kind('Deployment'), deployment(undefined, { kind: 'StatefulSet' }), 'kind'],
    ['apiVersion contradicting the path', kind('Deployment'), deployment(undefined, { apiVersion: 'apps/v1beta1' }), 'apiVersion'],
    ['no metadata', kind('Deployment'), { spec: {} }, 'metadata'],
    ['no name', kind('Deployment'), { metadata: {} }, 'metadata.name'],
    ['an invalid name', kind('Deployment'), { metadata: { name: 'Web_App' } }, 'metadata.name'],
    ['labels that are not strings', kind('Deployment'), { metadata: { name: 'web', labels: { a: 1 } } }, 'metadata.labels'],
    ['a spec that is not an object', kind('Deployment'), { metadata: { name: 'web' }, spec: [] }, 'spec'],
    ['triggers that are not a list', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { triggers: {} } }, 'spec.triggers'],
    ['a trigger that is not an object', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { triggers: [{ type: 'ConfigChange' }, null] } }, 'spec.triggers[1]'],
    ['imageChange that is not an object', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { triggers: [{ type: 'ImageChange', imageChange: 'x' }] } }, 'spec.triggers[0].imageChange'],
    ['an imageChangeParams.from that is not an object', kind('DeploymentConfig'), { metadata: { name: 'dc' }, spec: { triggers: [{ type: 'ImageChange', imageChangeParams: { from: [] } }] } }, 'spec.triggers[0].imageChangeParams.from'],
    ['an imageChangeParams.from whose name is not a string', kind('DeploymentConfig'), { metadata: { name: 'dc' }, spec: { triggers: [{ type: 'ImageChange', imageChangeParams: { from: { kind: 'ImageStreamTag', name: 7 } } }] } }, 'spec.triggers[0].imageChangeParams.from.name'],
    ['an output.to name that is not a string', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { output: { to: { kind: 'ImageStreamTag', name: 7 } } } }, 'spec.output.to.name'],
    ['an output.to that is a list', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { output: { to: [] } } }, 'spec.output.to'],
    ['a strategy that is not an object', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { strategy: 'Source' } }, 'spec.strategy'],
    ['a builder image whose namespace is not a string', kind('BuildConfig'), { metadata: { name: 'bc' }, spec: { strategy: { sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'ruby:3', namespace: ['openshift'] } } } } }, 'spec.strategy.sourceStrategy.from.namespace'],
    ['an annotation that is not JSON', kind('Deployment'), deployment({ [ANNOTATION]: 'nope' }), `metadata.annotations[${ANNOTATION}]`],
    ['paused as a string', kind('Deployment'), deployment({ [ANNOTATION]: trigger('spec.template.spec.containers[0].image', { paused: 'false' }) }), `metadata.annotations[${ANNOTATION}]`],
    ['an unknown container', kind('Deployment'), deployment({ [ANNOTATION]: trigger('spec.template.spec.containers[?(@.name=="api")].image') }), `metadata.annotations[${ANNOTATION}]`],
    ['a path of another kind', kind('Deployment'), deployment({ [ANNOTATION]: trigger('spec.jobTemplate.spec.template.spec.containers[0].image') }), `metadata.annotations[${ANNOTATION}]`],
    ['the annotation on a DeploymentConfig', kind('DeploymentConfig'), { metadata: { name: 'dc', annotations: { [ANNOTATION]: '[]' } } }, `metadata.annotations[${ANNOTATION}]`],
  ])('refuses %s, naming %s', (_name, workload, object, field) => {
    const problems = workloadProblems(workload, object);
    expect(problems.map((problem) => problem.field)).toContain(field);
  });
});
