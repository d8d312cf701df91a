import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';

/** This file lives in tools/deploy/src. */
export const REPO_ROOT = resolve(__dirname, '..', '..', '..');

/** One rendered Kubernetes object; only the fields the checks read are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // The rest of the object, read through the typed helpers in manifest-checks.ts.
  [field: string]: unknown;
}

/**
 * `kubectl kustomize <dir>` (kustomize built into kubectl; KUBECTL overrides the binary), parsed.
 * Works with the kustomize v2.0.3 in Debian's kubectl 1.20 and with current ones.
 */
export function renderKustomization(dir: string): K8sObject[] {
  const kubectl = process.env['KUBECTL'] || 'kubectl';
  let output: string;
  try {
    output = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') throw new Error(`${kubectl} not found: install it (apt-get install -y kubernetes-client) or set KUBECTL`);
    throw new Error(`${kubectl} kustomize ${dir} failed: ${failure.stderr || failure.message}`);
  }
  return parseYamlStream(output);
}

export function parseYamlStream(text: string): K8sObject[] {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return [];
  const objects: K8sObject[] = [];
  for (const document of documents) {
    if (document.errors.length > 0) throw new Error(`unparsable YAML: ${document.errors.map((e) => e.message).join('; ')}`);
    const value = document.toJS() as K8sObject | null;
    if (value) objects.push(value);
  }
  return objects;
}

/** A kustomization.yaml as data (for what an overlay promises: namespace, image tags). */
export interface Kustomization {
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string }[];
}

export function readKustomization(dir: string): Kustomization {
  return parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
}
