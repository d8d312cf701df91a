import { Body, Controller, Optional, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ImageRequests, ImageStreamInput, ImageStreamRequests, ImageStreamResource, type ImageStream, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { listOptions } from '../http/list-options';
import { ApiDoc } from '../openapi/api-docs';
import { ResourceWatcher, type ExpressResponse } from '../watch/resource-watcher';
import { IMAGE_STREAMS } from '../watch/watchable-resources';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, mergePatchBody, validBody } from '../http/edge-validation';
import { Actor } from '../access/actor.decorator';
import { specTagSources, type Identity } from '@imagestreams/domain-access';
import { Caller } from '../access/caller.decorator';
import { TagSourceAccess } from '../access/tag-source-access';
import { StreamCopies } from './stream-copies';

const JSON_NULL = Buffer.from('null');

function isJsonNull(json: Buffer): boolean {
  return json.equals(JSON_NULL);
}

/** `image.openshift.io/v1` image streams; stream-service owns them and answers every call. */
@Controller('apis/image.openshift.io/v1')
export class ImageStreamsController {
  constructor(
    private readonly owners: OwnerClient,
    private readonly watcher: ResourceWatcher,
    private readonly copies: StreamCopies,
    // Absent on a gateway without access control (no database): every tag source is open then.
    @Optional() private readonly tagSources?: TagSourceAccess,
  ) {}

  /** Across all namespaces, as `oc get is -A` asks; `?watch=true` streams changes. */
  @Get('imagestreams')
  @ApiDoc({ summary: 'list (or watch) image streams of every namespace', returns: 'ImageStreamList', query: ['selector', 'paging', 'watch'] })
  listAll(@Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    return this.watcher.listOrWatch(IMAGE_STREAMS, undefined, listOptions(query), request, response);
  }

  @Get('namespaces/:namespace/imagestreams')
  @ApiDoc({ summary: 'list (or watch) the image streams of a namespace', returns: 'ImageStreamList', query: ['selector', 'paging', 'watch'] })
  list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    assertReadableNamespace(namespace);
    return this.watcher.listOrWatch(IMAGE_STREAMS, namespace, listOptions(query), request, response);
  }

  /**
   * Forwarded as the owner serialized it: a big stream is megabytes of JSON not worth re-encoding.
   * A big stream this gateway already holds a copy of comes from the copy when the owner says it is
   * still current (StreamCopies).
   */
  @Get('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({ summary: 'read an image stream', returns: 'ImageStream' })
  async get(@Param('namespace') namespace: string, @Param('name') name: string, @Res() response: ServerResponse): Promise<void> {
    assertAddressable(ImageStreamResource, namespace, name);
    const held = this.copies.resourceVersionOf(namespace, name);
    let json: Buffer;
    try {
      json = await this.owners.requestJson(ImageRequests.getImageStream, { namespace, name, ...(held ? { unlessResourceVersion: held } : {}) });
    } catch (error) {
      this.copies.drop(namespace, name);
      throw error;
    }
    const copy = held && isJsonNull(json) ? this.copies.take(namespace, name, held) : undefined;
    if (copy) json = copy;
    else if (isJsonNull(json)) json = await this.owners.requestJson(ImageRequests.getImageStream, { namespace, name });
    else this.copies.keep(namespace, name, json);
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': json.length });
    response.end(json);
  }

  @Post('namespaces/:namespace/imagestreams')
  @HttpCode(201)
  @ApiDoc({ summary: 'create an image stream', body: ImageStreamInput, status: 201, returns: 'ImageStream' })
  async create(@Param('namespace') namespace: string, @Body() body: unknown, @Actor() actor: string, @Caller() caller: Identity): Promise<ImageStream> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const imageStream = validBody(ImageStreamInput, ImageStreamResource, body);
    await this.tagSources?.assertReadable(caller, namespace, specTagSources(imageStream));
    return this.owners.request(ImageStreamRequests.create, { namespace, imageStream, actor });
  }

  /** Replace; `metadata.resourceVersion` makes it conditional (409 when stale). */
  @Put('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({ summary: 'replace an image stream (409 when metadata.resourceVersion is stale)', body: ImageStreamInput, returns: 'ImageStream' })
  async update(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Actor() actor: string, @Caller() caller: Identity): Promise<ImageStream> {
    assertAddressable(ImageStreamResource, namespace, name);
    assertBodyNamespace(body, namespace);
    const imageStream = validBody(ImageStreamInput, ImageStreamResource, body);
    await this.tagSources?.assertReadable(caller, namespace, specTagSources(imageStream));
    return this.owners.request(ImageStreamRequests.update, { namespace, name, imageStream, actor });
  }

  /** JSON merge patch only (`application/merge-patch+json`, or plain JSON read the same way). */
  @Patch('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({
    summary: 'JSON merge patch (RFC 7386) of an image stream',
    body: { type: 'object', description: 'a JSON merge patch of an ImageStream' },
    consumes: ['application/merge-patch+json', 'application/json'],
    returns: 'ImageStream',
  })
  async patch(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Actor() actor: string,
    @Caller() caller: Identity,
  ): Promise<ImageStream> {
    assertAddressable(ImageStreamResource, namespace, name);
    const patch = mergePatchBody(contentType, body);
    // A merge patch replaces spec.tags whole, so the patch's own tags are every tag it can add.
    await this.tagSources?.assertReadable(caller, namespace, specTagSources(patch));
    return this.owners.request(ImageStreamRequests.patch, { namespace, name, patch, actor });
  }

  @Delete('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({ summary: 'delete an image stream', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string, @Actor() actor: string): Promise<Status> {
    assertAddressable(ImageStreamResource, namespace, name);
    return this.owners.request(ImageStreamRequests.delete, { namespace, name, actor });
  }
}
