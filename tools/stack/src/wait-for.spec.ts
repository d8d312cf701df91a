import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor, waitForHttpOk, WaitTimeoutError } from './wait-for';

describe('waitFor', () => {
  it('resolves as soon as the check passes, without further attempts', async () => {
    let calls = 0;
    const started = Date.now();

    await waitFor(() => ++calls === 3, { timeoutMs: 5_000, intervalMs: 10, description: 'the third call' });

    expect(calls).toBe(3);
    // Two 10 ms pauses; far below the 5 s deadline even on a loaded machine.
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('rejects with the description once the deadline passes', async () => {
    const attempt = waitFor(() => false, { timeoutMs: 150, intervalMs: 20, description: 'the moon to turn blue' });

    await expect(attempt).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(attempt).rejects.toThrow('Timed out after 150 ms waiting for the moon to turn blue');
  });

  it('treats a throwing check as "not yet" and reports its last error on timeout', async () => {
    const attempt = waitFor(
      () => {
        throw new Error('connect ECONNREFUSED');
      },
      { timeoutMs: 100, intervalMs: 20, description: 'a server' },
    );

    await expect(attempt).rejects.toThrow(/waiting for a server \(last error: connect ECONNREFUSED\)/);
  });

  it('does not let a hanging check outlive the deadline', async () => {
    const started = Date.now();
    const attempt = waitFor(() => new Promise<boolean>(() => undefined), { timeoutMs: 100, description: 'a hanging check' });

    await expect(attempt).rejects.toThrow('waiting for a hanging check');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops early with the abort reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('process exited')), 30);

    await expect(
      waitFor(() => false, { timeoutMs: 5_000, intervalMs: 10, description: 'never', signal: controller.signal }),
    ).rejects.toThrow('process exited');
  });
});

describe('waitForHttpOk', () => {
  let server: http.Server;
  let requests: number;

  beforeEach(async () => {
    requests = 0;
    // Not ready for the first two requests, like a service still connecting to its database.
    server = http.createServer((_req, res) => {
      res.statusCode = ++requests >= 3 ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('resolves once the endpoint answers 200', async () => {
    const { port } = server.address() as AddressInfo;

    await waitForHttpOk(`http://127.0.0.1:${port}/readyz`, 5_000, { intervalMs: 10 });

    expect(requests).toBe(3);
  });

  it('rejects naming the URL when it never does', async () => {
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}/readyz`;
    server.removeAllListeners('request');
    server.on('request', (_req, res) => {
      res.statusCode = 503;
      res.end();
    });

    await expect(waitForHttpOk(url, 200, { intervalMs: 20 })).rejects.toThrow(`GET ${url} to return 200`);
  });
});
