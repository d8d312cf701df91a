import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { blobFileStream, sendBlobBody } from '@imagestreams/platform-blob-storage';

/** A registry that serves one OCI image layout at a time, under any repository name. */
export interface FloorRegistry {
  /** `host:port` as written in `docker://` references. */
  host: string;
  /** From now on, pulls get the image in this OCI image layout (its index's first manifest, under any tag). */
  serve(layoutDir: string): void;
  stop(): Promise<void>;
}

interface Descriptor {
  mediaType: string;
  digest: string;
}

const MANIFEST_PATH = /^\/v2\/.+\/manifests\/[^/]+$/;
const BLOB_PATH = /^\/v2\/.+\/blobs\/sha256:([0-9a-f]{64})$/;

/**
 * The least a registry written in Node can do for a pull: `GET /v2/`, the manifest, and the blobs
 * sent by the gateway's own send path (`blobFileStream` + `sendBlobBody`, from a thread of its own
 * per blob when the native sender is built), with no auth, routing,
 * records or events. Pulls from it tell what the runtime and the client set from what the gateway
 * adds. It runs in the bench's process, which only waits for skopeo meanwhile.
 */
export async function startFloorRegistry(): Promise<FloorRegistry> {
  let layoutDir: string | undefined;

  const blobFile = (hex: string) => path.join(layoutDir ?? '', 'blobs', 'sha256', hex);

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = request.url ?? '';
    if (url === '/v2/' || url === '/v2') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}');
      return;
    }
    if (layoutDir && MANIFEST_PATH.test(url)) {
      const index = JSON.parse(await readFile(path.join(layoutDir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
      const [manifest] = index.manifests;
      const bytes = await readFile(blobFile(manifest.digest.slice('sha256:'.length)));
      response.writeHead(200, { 'content-type': manifest.mediaType, 'content-length': bytes.length, 'docker-content-digest': manifest.digest });
      response.end(request.method === 'HEAD' ? undefined : bytes);
      return;
    }
    const blob = layoutDir ? BLOB_PATH.exec(url) : null;
    if (blob) {
      const file = await open(blobFile(blob[1])).catch(() => undefined);
      if (file) {
        const { size } = await file.stat();
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size, 'docker-content-digest': `sha256:${blob[1]}` });
        if (request.method === 'HEAD') {
          await file.close();
          response.end();
          return;
        }
        // The stream owns the file from here: sending closes it.
        await sendBlobBody(blobFileStream(file, 0, size - 1), response);
        return;
      }
    }
    response.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"NOT_FOUND","message":"not served here"}]}');
  }

  const server = createServer((request, response) => {
    answer(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    serve: (dir) => {
      layoutDir = dir;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
