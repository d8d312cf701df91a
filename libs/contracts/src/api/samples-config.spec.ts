import { validatePayload } from '../validation';
import { SAMPLES_REGISTRY_PATTERN, SamplesConfigInput } from './samples-config';

describe('SamplesConfigInput', () => {
  it.each(['', 'mirror.example.com', 'mirror.example.com:5000', 'foo.io/bar', 'foo.io:1111/bar', 'localhost:5000/a/b-c', '10.0.0.1:5000'])('accepts samplesRegistry %p', (registry) => {
    expect(SAMPLES_REGISTRY_PATTERN.test(registry)).toBe(true);
  });

  it.each(['https://mirror.example.com', 'mirror.example.com/', 'mirror example', '-mirror.example.com', 'mirror.example.com:port', 'foo.io/Bar', 'foo.io//bar'])('refuses samplesRegistry %p', (registry) => {
    expect(SAMPLES_REGISTRY_PATTERN.test(registry)).toBe(false);
  });

  it('accepts a Config as OpenShift writes it, status and unknown fields included (they are dropped)', () => {
    const result = validatePayload(SamplesConfigInput, {
      apiVersion: 'samples.operator.openshift.io/v1',
      kind: 'Config',
      metadata: { name: 'cluster', finalizers: ['samples.operator.openshift.io/finalizer'] },
      spec: { managementState: 'Force', architectures: ['x86_64'], skippedImagestreams: ['jenkins'], skippedTemplates: [], skippedHelmCharts: ['x'] },
      status: { managementState: 'Managed' },
    });

    expect(result.ok).toBe(true);
    expect(result.ok && result.value.spec).toEqual({ managementState: 'Force', architectures: ['x86_64'], skippedImagestreams: ['jenkins'], skippedTemplates: [] });
  });

  it('answers every problem of a spec as a cause on its field', () => {
    const result = validatePayload(SamplesConfigInput, {
      apiVersion: 'v1',
      metadata: { name: 'cluster' },
      spec: { managementState: 'managed', architectures: ['x86_64', 'sparc'], skippedImagestreams: [1], skippedTemplates: 'all', samplesRegistry: 'http://x' },
    });

    expect(result.ok).toBe(false);
    const causes = result.ok ? [] : result.causes;
    expect([...new Set(causes.map((cause) => cause.field))]).toEqual(['apiVersion', 'spec.managementState', 'spec.samplesRegistry', 'spec.architectures', 'spec.skippedImagestreams', 'spec.skippedTemplates']);
    expect(causes.find((cause) => cause.field === 'spec.managementState')).toEqual({
      field: 'spec.managementState',
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "managed": supported values: "Managed", "Unmanaged", "Force", "Removed"',
    });
  });
});
