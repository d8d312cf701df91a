import { Injectable } from '@nestjs/common';
import { ImageRequests, ImageStreamRequests, StatusError, TEMPLATE_INSTANCE_OWNER_LABEL, TriggerRequests, type ImageStreamInput } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { plainJson, type PlannedObject } from './instance-objects';
import type { RemoteObjects } from './instantiation';

/** An object owned elsewhere, as far as creating, reading and deleting it goes. */
export type RemoteObjectKey = Pick<PlannedObject, 'owner' | 'kind' | 'namespace' | 'name'>;

export interface RemoteObject {
  metadata: { uid?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

function isNotFound(error: unknown): boolean {
  return error instanceof StatusError && error.status.code === 404;
}

/**
 * Objects owned by other services, through their NATS requests: ImageStreams by stream-service,
 * objects with image triggers by trigger-dispatcher (which evaluates their triggers on creation and
 * keeps them live). Each owner validates what it is given; its Status is the failure.
 */
@Injectable()
export class OwnerObjects implements RemoteObjects {
  constructor(private readonly owners: OwnerClient) {}

  /** Creates the object in its owner and answers its uid; `actor` goes along so the owners' events name who asked. */
  async create(object: PlannedObject, actor?: string): Promise<string> {
    const body = plainJson(object.object);
    const withActor = actor === undefined ? {} : { actor };
    if (object.owner === 'stream-service') {
      const stream = await this.owners.request(ImageStreamRequests.create, { namespace: object.namespace, imageStream: body as unknown as ImageStreamInput, ...withActor });
      return stream.metadata.uid;
    }
    const created = await this.owners.request(TriggerRequests.createWorkload, { namespace: object.namespace, kind: object.kind, object: body, ...withActor });
    return created.metadata.uid ?? '';
  }

  async delete(object: RemoteObjectKey): Promise<void> {
    try {
      if (object.owner === 'stream-service') await this.owners.request(ImageStreamRequests.delete, { namespace: object.namespace, name: object.name });
      else await this.owners.request(TriggerRequests.deleteWorkload, { namespace: object.namespace, name: object.name, kind: object.kind });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async deleteIfCreated(object: PlannedObject): Promise<void> {
    const labels = (object.object['metadata'] as { labels?: Record<string, string> }).labels ?? {};
    const found = await this.read(object);
    if (found && createdBy(found, null, labels[TEMPLATE_INSTANCE_OWNER_LABEL] ?? '')) await this.delete(object);
  }

  /** The object as its owner serves it, or null when it does not exist. */
  async read(object: RemoteObjectKey): Promise<RemoteObject | null> {
    try {
      return object.owner === 'stream-service'
        ? ((await this.owners.request(ImageRequests.getImageStream, { namespace: object.namespace, name: object.name })) as unknown as RemoteObject)
        : await this.owners.request(TriggerRequests.getWorkload, { namespace: object.namespace, name: object.name, kind: object.kind });
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

/**
 * Whether an object read from its owner is the one an instance created: the same uid when the
 * instance recorded one, else (an instantiation that stopped before recording it) OpenShift's owner
 * label naming the instance. Deleting an instance deletes only such objects, never one of the same
 * name that someone else created since.
 */
export function createdBy(found: RemoteObject, recordedUid: string | null, instanceUid: string): boolean {
  if (recordedUid) return found.metadata.uid === recordedUid;
  return found.metadata.labels?.[TEMPLATE_INSTANCE_OWNER_LABEL] === instanceUid;
}
