/**
 * The samples catalog's shapes: OpenShift's own JSON (`image.openshift.io/v1` ImageStream,
 * `template.openshift.io/v1` Template), as `oc create -f` would take them. The catalog is written
 * as TypeScript modules rather than .json files so that ts-node, ts-jest and `build:compiled`
 * (tsc, which does not copy JSON next to the compiled code) all load it the same way.
 */

export interface CatalogObjectReference {
  kind: 'DockerImage' | 'ImageStreamTag';
  name: string;
  namespace?: string;
}

export interface CatalogTag {
  name: string;
  annotations: Record<string, string>;
  from: CatalogObjectReference;
  generation: null;
  /** Empty: sample streams are imported once per spec change, never on a schedule. */
  importPolicy: Record<string, never>;
  referencePolicy: { type: 'Local' | 'Source' };
}

export interface CatalogImageStream {
  apiVersion: 'image.openshift.io/v1';
  kind: 'ImageStream';
  metadata: { name: string; annotations: Record<string, string> };
  spec: { lookupPolicy: { local: boolean }; dockerImageRepository?: string; tags: CatalogTag[] };
}

export interface CatalogTemplateParameter {
  name: string;
  displayName?: string;
  description?: string;
  value?: string;
  generate?: 'expression';
  from?: string;
  required?: boolean;
}

export interface CatalogTemplate {
  apiVersion: 'template.openshift.io/v1';
  kind: 'Template';
  metadata: { name: string; annotations: Record<string, string>; labels?: Record<string, string> };
  message: string;
  objects: Record<string, unknown>[];
  parameters: CatalogTemplateParameter[];
  labels: Record<string, string>;
}

export interface SamplesCatalog {
  /** Written into every sample's `samples.operator.openshift.io/version` annotation and the Config's `status.version`. */
  version: string;
  imageStreams: readonly CatalogImageStream[];
  templates: readonly CatalogTemplate[];
}
