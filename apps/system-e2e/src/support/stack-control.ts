import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceName, Stack } from '@imagestreams/stack';

/**
 * Jest runs suites apart from globalSetup, so the shared stack's processes are controlled over a
 * tiny loopback HTTP API: `POST /services/<name>/<kill|stop|start>`. That is how "nothing lost"
 * tests SIGKILL a service mid-flight and bring it back.
 */
export async function serveStackControl(stack: Stack): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const match = /^\/services\/([a-z-]+)\/(kill|stop|start)$/.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404).end();
      return;
    }
    const service = stack.service(match[1] as ServiceName);
    const action = match[2] === 'kill' ? service.kill() : match[2] === 'stop' ? service.stop() : service.start();
    action.then(
      () => res.writeHead(204).end(),
      (error: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(error.message),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
