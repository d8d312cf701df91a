import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ImageRequests,
  ImageStreamInput,
  ImageStreamRequests,
  ImageStreamResource,
  type ImageStream,
  type ImageStreamList,
  type Status,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { listOptions, type ListOptions } from '../http/list-options';
import { ApiDoc } from '../openapi/api-docs';
import { ImageStreamWatcher } from '../watch/image-stream-watcher';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, mergePatchBody, validBody } from '../http/edge-validation';

/** The parts of Express's response used here (its types are not a dependency of this project). */
type ExpressResponse = ServerResponse & { status(code: number): { json(body: unknown): void } };

/** `image.openshift.io/v1` image streams; stream-service owns them and answers every call. */
@Controller('apis/image.openshift.io/v1')
export class ImageStreamsController {
  constructor(
    private readonly owners: OwnerClient,
    private readonly watcher: ImageStreamWatcher,
  ) {}

  /** Across all namespaces, as `oc get is -A` asks; `?watch=true` streams changes. */
  @Get('imagestreams')
  @ApiDoc({ summary: 'list (or watch) image streams of every namespace', returns: 'ImageStreamList', query: ['selector', 'paging', 'watch'] })
  listAll(@Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    return this.listOrWatch(undefined, listOptions(query), request, response);
  }

  @Get('namespaces/:namespace/imagestreams')
  @ApiDoc({ summary: 'list (or watch) the image streams of a namespace', returns: 'ImageStreamList', query: ['selector', 'paging', 'watch'] })
  list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    assertReadableNamespace(namespace);
    return this.listOrWatch(namespace, listOptions(query), request, response);
  }

  /** The raw response is needed for watches; plain lists are answered the same way for symmetry. */
  private async listOrWatch(namespace: string | undefined, options: ListOptions, request: IncomingMessage, response: ExpressResponse): Promise<void> {
    if (options.watch) {
      await this.watcher.serve(request, response, { namespace, labelSelector: options.labelSelector, resourceVersion: options.resourceVersion, timeoutSeconds: options.timeoutSeconds });
      return;
    }
    const list: ImageStreamList = await this.owners.request(ImageRequests.listImageStreams, {
      namespace,
      labelSelector: options.labelSelector,
      limit: options.limit,
      continue: options.continue,
    });
    response.status(200).json(list);
  }

  /** Forwarded as the owner serialized it: a big stream is megabytes of JSON not worth re-encoding. */
  @Get('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({ summary: 'read an image stream', returns: 'ImageStream' })
  async get(@Param('namespace') namespace: string, @Param('name') name: string, @Res() response: ServerResponse): Promise<void> {
    assertAddressable(ImageStreamResource, namespace, name);
    const json = await this.owners.requestJson(ImageRequests.getImageStream, { namespace, name });
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': json.length });
    response.end(json);
  }

  @Post('namespaces/:namespace/imagestreams')
  @HttpCode(201)
  @ApiDoc({ summary: 'create an image stream', body: ImageStreamInput, status: 201, returns: 'ImageStream' })
  create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<ImageStream> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const imageStream = validBody(ImageStreamInput, ImageStreamResource, body);
    return this.owners.request(ImageStreamRequests.create, { namespace, imageStream });
  }

  /** Replace; `metadata.resourceVersion` makes it conditional (409 when stale). */
  @Put('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({ summary: 'replace an image stream (409 when metadata.resourceVersion is stale)', body: ImageStreamInput, returns: 'ImageStream' })
  update(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<ImageStream> {
    assertAddressable(ImageStreamResource, namespace, name);
    assertBodyNamespace(body, namespace);
    const imageStream = validBody(ImageStreamInput, ImageStreamResource, body);
    return this.owners.request(ImageStreamRequests.update, { namespace, name, imageStream });
  }

  /** JSON merge patch only (`application/merge-patch+json`, or plain JSON read the same way). */
  @Patch('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({
    summary: 'JSON merge patch (RFC 7386) of an image stream',
    body: { type: 'object', description: 'a JSON merge patch of an ImageStream' },
    consumes: ['application/merge-patch+json', 'application/json'],
    returns: 'ImageStream',
  })
  patch(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
  ): Promise<ImageStream> {
    assertAddressable(ImageStreamResource, namespace, name);
    return this.owners.request(ImageStreamRequests.patch, { namespace, name, patch: mergePatchBody(contentType, body) });
  }

  @Delete('namespaces/:namespace/imagestreams/:name')
  @ApiDoc({ summary: 'delete an image stream', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(ImageStreamResource, namespace, name);
    return this.owners.request(ImageStreamRequests.delete, { namespace, name });
  }
}
