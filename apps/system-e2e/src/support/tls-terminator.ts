import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * kubectl sends a kubeconfig user's credentials over TLS only (client-go sets them for https
 * servers alone: kubernetes/kubectl#744), while the stack's gateway speaks plain HTTP, as it would
 * behind a TLS-terminating ingress. So kubectl talks to this loopback TLS terminator, which passes
 * requests and responses through to the gateway unchanged, watch streams included.
 */
export interface TlsTerminator {
  /** `https://127.0.0.1:<port>` */
  url: string;
  /** The terminator's self-signed certificate, for the kubeconfig's certificate authority. */
  certificatePem: string;
  close(): Promise<void>;
}

const execFileAsync = promisify(execFile);

/** A throwaway self-signed certificate for 127.0.0.1, made with the openssl CLI (Node cannot issue certificates). */
async function selfSignedCertificate(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'imagestreams-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    const request = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
    await execFileAsync('openssl', [...request, '-keyout', key, '-out', cert]);
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startTlsTerminator(target: string): Promise<TlsTerminator> {
  const { key, cert } = await selfSignedCertificate();
  const upstream = new URL(target);
  const server = createServer({ key, cert }, (req, res) => {
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', (error) => {
      if (res.headersSent) res.destroy(error);
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(`gateway unreachable: ${error.message}`);
    });
    // A client that hangs up (a killed `kubectl get -w`) ends the gateway's side of the watch too.
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    certificatePem: cert,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
