import { Injectable } from '@nestjs/common';
import { ImageRequests, ImageStreamRequests, SAMPLES_MANAGED_LABEL, StatusError, type ImageStreamInput } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import type { DesiredImageStream, ExistingImageStream } from './samples-plan';

/** Who the samples operator writes image streams as (the `actor` of their events). */
export const SAMPLES_ACTOR = 'system:serviceaccount:openshift-cluster-samples-operator:cluster-samples-operator';

/**
 * The samples' image streams and namespace, which stream-service owns: what the reconciler needs
 * of it, behind a token so specs can stand in for stream-service.
 */
export interface SampleImageStreams {
  /** Creates the namespace unless it exists. */
  ensureNamespace(namespace: string): Promise<void>;
  namespaceExists(namespace: string): Promise<boolean>;
  list(namespace: string): Promise<ExistingImageStream[]>;
  /** False when a stream of that name exists already. */
  create(namespace: string, imageStream: DesiredImageStream): Promise<boolean>;
  /** False when the stream does not exist (any more). */
  update(namespace: string, imageStream: DesiredImageStream): Promise<boolean>;
  /** Sets the managed label to "false", nothing else. */
  unmanage(namespace: string, name: string): Promise<void>;
  delete(namespace: string, name: string): Promise<void>;
}

export const SAMPLE_IMAGE_STREAMS = Symbol('SampleImageStreams');

function statusCode(error: unknown): number | undefined {
  return error instanceof StatusError ? error.status.code : undefined;
}

/** Runs `request`, turning the one answer that is an expected outcome (`code`) into `fallback`. */
async function expecting<T>(code: number, fallback: T, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (statusCode(error) === code) return fallback;
    throw error;
  }
}

/** {@link SampleImageStreams} over NATS requests to stream-service. */
@Injectable()
export class StreamServiceImageStreams implements SampleImageStreams {
  constructor(private readonly owners: OwnerClient) {}

  async namespaceExists(namespace: string): Promise<boolean> {
    return expecting(404, false, async () => {
      await this.owners.request(ImageRequests.getNamespace, { name: namespace });
      return true;
    });
  }

  async ensureNamespace(namespace: string): Promise<void> {
    if (await this.namespaceExists(namespace)) return;
    await expecting(409, undefined, async () => {
      await this.owners.request(ImageRequests.createNamespace, { actor: SAMPLES_ACTOR, namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } });
    });
  }

  async list(namespace: string): Promise<ExistingImageStream[]> {
    const list = await expecting(404, undefined, () => this.owners.request(ImageRequests.listImageStreams, { namespace }));
    return (list?.items ?? []).map((stream) => ({
      name: stream.metadata.name,
      labels: stream.metadata.labels ?? {},
      annotations: stream.metadata.annotations ?? {},
      spec: stream.spec,
      status: stream.status,
    }));
  }

  async create(namespace: string, imageStream: DesiredImageStream): Promise<boolean> {
    return expecting(409, false, async () => {
      await this.owners.request(ImageStreamRequests.create, { namespace, actor: SAMPLES_ACTOR, imageStream: imageStream as unknown as ImageStreamInput });
      return true;
    });
  }

  async update(namespace: string, imageStream: DesiredImageStream): Promise<boolean> {
    return expecting(404, false, async () => {
      await this.owners.request(ImageStreamRequests.update, { namespace, name: imageStream.metadata.name, actor: SAMPLES_ACTOR, imageStream: imageStream as unknown as ImageStreamInput });
      return true;
    });
  }

  async unmanage(namespace: string, name: string): Promise<void> {
    await expecting(404, undefined, async () => {
      await this.owners.request(ImageStreamRequests.patch, { namespace, name, actor: SAMPLES_ACTOR, patch: { metadata: { labels: { [SAMPLES_MANAGED_LABEL]: 'false' } } } });
    });
  }

  async delete(namespace: string, name: string): Promise<void> {
    await expecting(404, undefined, async () => {
      await this.owners.request(ImageStreamRequests.delete, { namespace, name, actor: SAMPLES_ACTOR });
    });
  }
}
