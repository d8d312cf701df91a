import net from 'node:net';

/**
 * Asks the kernel for an unused TCP port on 127.0.0.1.
 *
 * The port is released before the caller binds it, so another process could grab it in between;
 * for a local launcher and tests that window is small enough, and callers that spawn a server
 * report the server's own "address in use" error if it ever happens.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('Could not determine a free port')) : resolve(port)));
    });
  });
}

/**
 * True if nothing listens on `port` right now. Readiness is probed over HTTP on the port, so a
 * leftover process on it would answer for a service that never started: check before spawning.
 */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
