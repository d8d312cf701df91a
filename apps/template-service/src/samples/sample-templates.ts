import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { SAMPLES_MANAGED_LABEL } from '@imagestreams/contracts';
import { storedTemplate, templateView } from '../templates/template-body';
import { TemplateRepository, type TemplateRow } from '../templates/template.repository';
import type { ExistingTemplate } from './samples-plan';

/** Metadata the server sets on a template's view; the rest is what the catalog wrote. */
const SERVER_METADATA = ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'];

/** A stored template as the planner compares it: its API view without the server-set metadata. */
export function existingTemplate(row: TemplateRow): ExistingTemplate {
  const view = templateView(row) as unknown as Record<string, unknown>;
  const metadata = Object.fromEntries(Object.entries(view['metadata'] as Record<string, unknown>).filter(([key]) => !SERVER_METADATA.includes(key)));
  return { name: row.name, labels: row.labels, template: { ...view, metadata } };
}

/**
 * The samples' templates, through template-service's own repository and the same validation and
 * storage rules as the API's (so a sample reads back exactly like a template written over HTTP).
 */
@Injectable()
export class SampleTemplates {
  constructor(private readonly templates: TemplateRepository) {}

  async list(namespace: string): Promise<ExistingTemplate[]> {
    return (await this.templates.list({ namespace })).map(existingTemplate);
  }

  /** False when a template of that name exists already. */
  async create(namespace: string, template: Record<string, unknown>): Promise<boolean> {
    const content = storedTemplate(template);
    return (await this.templates.insert({ uid: randomUUID(), namespace, ...content })) !== undefined;
  }

  /** Replaces the template whole (created if it went missing meanwhile). */
  async replace(namespace: string, template: Record<string, unknown>): Promise<void> {
    const content = storedTemplate(template);
    const replaced = await this.templates.transaction(async (manager) => {
      const row = await this.templates.lock(manager, namespace, content.name);
      if (!row) return false;
      await this.templates.update(manager, row.uid, content);
      return true;
    });
    if (!replaced) await this.create(namespace, template);
  }

  /** Sets the managed label to "false", nothing else. */
  async unmanage(namespace: string, name: string): Promise<void> {
    await this.templates.transaction(async (manager) => {
      const row = await this.templates.lock(manager, namespace, name);
      if (!row) return;
      const view = templateView(row) as unknown as Record<string, unknown>;
      const metadata = view['metadata'] as Record<string, unknown>;
      const labels = { ...(metadata['labels'] as Record<string, string> | undefined), [SAMPLES_MANAGED_LABEL]: 'false' };
      await this.templates.update(manager, row.uid, storedTemplate({ ...view, metadata: { ...metadata, labels } }));
    });
  }

  async delete(namespace: string, name: string): Promise<void> {
    await this.templates.delete(namespace, name);
  }
}
