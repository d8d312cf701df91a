import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  CreateNamespaceCommand,
  GetNamespaceQuery,
  ImageRequests,
  NamespaceResource,
  Statuses,
  StatusError,
  type List,
  type Namespace,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { NamespaceRepository } from './namespace.repository';
import { namespaceView } from './namespace.view';

/** Namespaces are owned here because image streams are the first thing that lives in them. */
@Controller()
export class NamespacesRequests {
  constructor(private readonly namespaces: NamespaceRepository) {}

  @OnRequest(ImageRequests.createNamespace)
  async create(@Payload() command: CreateNamespaceCommand): Promise<Namespace> {
    const { metadata } = command.namespace;
    const row = await this.namespaces.insert({ name: metadata.name, uid: randomUUID(), labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {} });
    if (!row) throw new StatusError(Statuses.alreadyExists(NamespaceResource, metadata.name));
    return namespaceView(row);
  }

  @OnRequest(ImageRequests.getNamespace)
  async get(@Payload() query: GetNamespaceQuery): Promise<Namespace> {
    const row = await this.namespaces.find(query.name);
    if (!row) throw new StatusError(Statuses.notFound(NamespaceResource, query.name));
    return namespaceView(row);
  }

  @OnRequest(ImageRequests.listNamespaces)
  async list(): Promise<List<Namespace>> {
    const [rows, resourceVersion] = await Promise.all([this.namespaces.list(), this.namespaces.currentResourceVersion()]);
    return { kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion }, items: rows.map(namespaceView) };
  }
}
