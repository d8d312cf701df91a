import { Body, Controller, Optional, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import pLimit from 'p-limit';
import {
  IMAGE_API_VERSION,
  ImageRequests,
  ImageStreamRequests,
  ImageStreamTagInput,
  ImageStreamTagResource,
  Statuses,
  StatusError,
  TagRollbackInput,
  type ImageStreamTag,
  type Status,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, validBody } from '../http/edge-validation';
import { listOptions } from '../http/list-options';
import { ApiDoc } from '../openapi/api-docs';
import { Actor } from '../access/actor.decorator';
import type { Identity } from '@imagestreams/domain-access';
import { Caller } from '../access/caller.decorator';
import { TagSourceAccess } from '../access/tag-source-access';

/** OpenShift's list of ImageStreamTags (no owner request returns one: the gateway assembles it). */
export interface ImageStreamTagList {
  kind: 'ImageStreamTagList';
  apiVersion: typeof IMAGE_API_VERSION;
  metadata: { resourceVersion: string };
  items: ImageStreamTag[];
}

/** Tags read at once while listing: enough to overlap round trips, few enough to leave the owner room. */
const LIST_CONCURRENCY = 8;

/**
 * `<stream>:<tag>` views and `oc tag` writes. PUT and POST both set the tag (POST answers 201);
 * `/rollback` is this project's one-call rollback to an image of the tag's own history.
 */
@Controller('apis/image.openshift.io/v1/namespaces/:namespace/imagestreamtags')
export class ImageStreamTagsController {
  constructor(
    private readonly owners: OwnerClient,
    // Absent on a gateway without access control (no database): every tag source is open then.
    @Optional() private readonly tagSources?: TagSourceAccess,
  ) {}

  /**
   * Every tag with an image of every stream in the namespace, as `oc get istag` lists them (tags
   * still waiting for an import have no image and are left out, as in OpenShift). Each is read the
   * way GET reads it, so both show the same object; a tag deleted meanwhile is skipped.
   */
  @Get()
  @ApiDoc({ summary: 'list the tags of the image streams of a namespace', returns: 'ImageStreamTagList', query: ['selector'] })
  async list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>): Promise<ImageStreamTagList> {
    assertReadableNamespace(namespace);
    const options = listOptions(query);
    if (options.watch) throw new StatusError(Statuses.methodNotAllowed('imagestreamtags cannot be watched; watch imagestreams instead'));
    const streams = await this.owners.request(ImageRequests.listImageStreams, { namespace, labelSelector: options.labelSelector });
    const names = streams.items.flatMap((stream) => (stream.status.tags ?? []).filter((tag) => tag.items?.length).map((tag) => `${stream.metadata.name}:${tag.tag}`));
    const limit = pLimit(LIST_CONCURRENCY);
    const tags = await Promise.all(
      names.map((name) =>
        limit(() =>
          this.owners.request(ImageStreamRequests.getTag, { namespace, name }).catch((error: unknown) => {
            if (error instanceof StatusError && error.status.code === 404) return undefined;
            throw error;
          }),
        ),
      ),
    );
    return {
      kind: 'ImageStreamTagList',
      apiVersion: IMAGE_API_VERSION,
      metadata: { resourceVersion: streams.metadata.resourceVersion },
      items: tags.filter((tag): tag is ImageStreamTag => tag !== undefined),
    };
  }

  @Get(':name')
  @ApiDoc({ summary: 'a tag of a stream: <stream>:<tag>', returns: 'ImageStreamTag' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<ImageStreamTag> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    return this.owners.request(ImageStreamRequests.getTag, { namespace, name });
  }

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'set a tag (oc tag), named by metadata.name <stream>:<tag>; creates a missing stream', body: ImageStreamTagInput, status: 201, returns: 'ImageStreamTag' })
  async create(@Param('namespace') namespace: string, @Body() body: unknown, @Actor() actor: string, @Caller() caller: Identity): Promise<ImageStreamTag> {
    const imageStreamTag = validBody(ImageStreamTagInput, ImageStreamTagResource, body);
    assertAddressable(ImageStreamTagResource, namespace, imageStreamTag.metadata.name);
    assertBodyNamespace(body, namespace);
    await this.tagSources?.assertReadable(caller, namespace, [imageStreamTag.tag?.from]);
    return this.owners.request(ImageStreamRequests.putTag, { namespace, name: imageStreamTag.metadata.name, imageStreamTag, actor });
  }

  @Put(':name')
  @ApiDoc({ summary: 'set a tag (oc tag); creates a missing stream', body: ImageStreamTagInput, returns: 'ImageStreamTag' })
  async put(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Actor() actor: string, @Caller() caller: Identity): Promise<ImageStreamTag> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    assertBodyNamespace(body, namespace);
    const imageStreamTag = validBody(ImageStreamTagInput, ImageStreamTagResource, body);
    await this.tagSources?.assertReadable(caller, namespace, [imageStreamTag.tag?.from]);
    return this.owners.request(ImageStreamRequests.putTag, { namespace, name, imageStreamTag, actor });
  }

  @Delete(':name')
  @ApiDoc({ summary: 'delete a tag with its history', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string, @Actor() actor: string): Promise<Status> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    return this.owners.request(ImageStreamRequests.deleteTag, { namespace, name, actor });
  }

  @Post(':name/rollback')
  @ApiDoc({ summary: 'move the tag back to an image of its own history: {"revisionsBack": n} or {"image": digest or prefix}', body: TagRollbackInput, status: 201, returns: 'ImageStreamTag' })
  rollback(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Actor() actor: string): Promise<ImageStreamTag> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    if (body === undefined) throw new StatusError(Statuses.badRequest('a rollback needs a body: {"image": ...} or {"revisionsBack": n}'));
    const rollback = validBody(TagRollbackInput, ImageStreamTagResource, body);
    return this.owners.request(ImageStreamRequests.rollbackTag, { namespace, name, rollback, actor });
  }
}
