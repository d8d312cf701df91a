import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  CreateTemplateCommand,
  ListTemplatesRequest,
  NamespacedNameRequest,
  Statuses,
  StatusError,
  successStatus,
  TEMPLATE_API_VERSION,
  TemplateRequests,
  TemplateResource,
  UpdateTemplateCommand,
  type Status,
  type Template,
  type TemplateList,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { labelSelectorOf } from './label-selection';
import { decodeContinue, encodeContinue } from './list-continue';
import { generatedName, incomingTemplate, storedTemplate, templateView } from './template-body';
import { TemplateRepository } from './template.repository';

/** `template.openshift.io/v1` Templates: each write is one statement or one locked transaction, so a failed request leaves nothing behind. */
@Controller()
export class TemplatesRequests {
  constructor(private readonly templates: TemplateRepository) {}

  @OnRequest(TemplateRequests.create)
  async create(@Payload() command: CreateTemplateCommand): Promise<Template> {
    const template = incomingTemplate(command.template, command.namespace);
    const metadata = (template['metadata'] ?? {}) as Record<string, unknown>;
    const generateName = !metadata['name'] && typeof metadata['generateName'] === 'string' && metadata['generateName'] !== '' ? metadata['generateName'] : undefined;
    const content = storedTemplate(template, generateName === undefined ? undefined : generatedName(generateName));
    const row = await this.templates.insert({ uid: randomUUID(), namespace: command.namespace, ...content });
    if (!row) throw new StatusError(Statuses.alreadyExists(TemplateResource, content.name));
    return templateView(row);
  }

  @OnRequest(TemplateRequests.get)
  async get(@Payload() query: NamespacedNameRequest): Promise<Template> {
    const row = await this.templates.find(query.namespace, query.name);
    if (!row) throw new StatusError(Statuses.notFound(TemplateResource, query.name));
    return templateView(row);
  }

  /** Kubernetes' List, in (namespace, name) order, `labelSelector` applied; `continue` is the position after the page's last item. */
  @OnRequest(TemplateRequests.list)
  async list(@Payload() query: ListTemplatesRequest): Promise<TemplateList> {
    const after = query.continue === undefined ? undefined : decodeContinue(query.continue);
    const selector = labelSelectorOf(query.labelSelector);
    const resourceVersion = await this.templates.listResourceVersion();
    const rows = await this.templates.list({ namespace: query.namespace, selector, after, limit: query.limit });
    const page = query.limit === undefined ? rows : rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const more = query.limit !== undefined && rows.length > query.limit;
    return {
      kind: 'TemplateList',
      apiVersion: TEMPLATE_API_VERSION,
      metadata: { resourceVersion, ...(more && last ? { continue: encodeContinue({ namespace: last.namespace, name: last.name }) } : {}) },
      items: page.map(templateView),
    };
  }

  /**
   * PUT: replaces the template. `metadata.resourceVersion` and `metadata.uid`, when sent, are
   * preconditions (409 Conflict when they do not match the stored template).
   */
  @OnRequest(TemplateRequests.update)
  async update(@Payload() command: UpdateTemplateCommand): Promise<Template> {
    const template = incomingTemplate(command.template, command.namespace);
    const metadata = (template['metadata'] ?? {}) as Record<string, unknown>;
    if (metadata['name'] !== command.name) {
      throw new StatusError(Statuses.badRequest(`the name of the object (${String(metadata['name'] ?? '')}) does not match the name on the URL (${command.name})`));
    }
    const content = storedTemplate(template);
    return this.templates.transaction(async (manager) => {
      const row = await this.templates.lock(manager, command.namespace, command.name);
      if (!row) throw new StatusError(Statuses.notFound(TemplateResource, command.name));
      const { resourceVersion, uid } = metadata;
      if (resourceVersion != null && resourceVersion !== '' && String(resourceVersion) !== String(row.resource_version)) {
        throw new StatusError(Statuses.conflict(TemplateResource, row.name));
      }
      if (uid != null && uid !== '' && uid !== row.uid) {
        throw new StatusError(Statuses.conflict(TemplateResource, row.name, `Precondition failed: UID in precondition: ${String(uid)}, UID in object meta: ${row.uid}`));
      }
      return templateView(await this.templates.update(manager, row.uid, content));
    });
  }

  @OnRequest(TemplateRequests.delete)
  async delete(@Payload() query: NamespacedNameRequest): Promise<Status> {
    const row = await this.templates.delete(query.namespace, query.name);
    if (!row) throw new StatusError(Statuses.notFound(TemplateResource, query.name));
    return successStatus(200, { name: row.name, group: TemplateResource.group, kind: TemplateResource.resource, uid: row.uid });
  }
}
