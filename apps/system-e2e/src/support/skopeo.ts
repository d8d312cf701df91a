import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { adminToken, gatewayUrl } from './api';

/**
 * skopeo (the Debian 1.9.3 build at /usr/bin/skopeo, or whatever SKOPEO names) against the
 * gateway's registry. The gateway speaks plain HTTP on 127.0.0.1, so TLS verification is always
 * off, and retries are off so a registry error surfaces at once instead of after back-offs.
 * References to the gateway carry the admin's credentials unless told otherwise; other registries
 * (a local docker-registry without auth) get none.
 */

const execFileAsync = promisify(execFile);
const SKOPEO = process.env['SKOPEO'] ?? 'skopeo';

export class SkopeoError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | string | undefined,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`skopeo ${args.join(' ')} failed (exit ${exitCode}):\n${stderr.trim() || stdout.trim()}`);
    this.name = 'SkopeoError';
  }
}

export interface SkopeoOptions {
  /** Global flags before the command, e.g. `['--override-arch', 'arm64']`. */
  global?: string[];
  timeoutMs?: number;
  /** The access token presented to the gateway: the admin's by default, `null` for none (anonymous). */
  token?: string | null;
}

/** `host:port` of the gateway, the registry part of `docker://` references. */
export function registryHost(): string {
  return new URL(gatewayUrl()).host;
}

/** `docker://<host:port>/<namespace>/<stream>` with `:tag` or `@digest` when given. */
export function dockerRef(repository: string, reference?: string): string {
  const base = `docker://${registryHost()}/${repository}`;
  if (reference === undefined) return base;
  return reference.includes(':') ? `${base}@${reference}` : `${base}:${reference}`;
}

/** Runs `skopeo [global] <args>`; throws a SkopeoError carrying stderr when it exits non-zero. */
export async function skopeo(args: string[], options: SkopeoOptions = {}): Promise<{ stdout: string; stderr: string }> {
  const all = ['--insecure-policy', ...(options.global ?? []), ...args];
  try {
    return await execFileAsync(SKOPEO, all, { timeout: options.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' });
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    throw new SkopeoError(all, failed.code, failed.stdout ?? '', failed.stderr ?? failed.message);
  }
}

const REGISTRY_FLAGS = ['--tls-verify=false', '--retry-times', '0'];

/**
 * `<flag> admin:<token>` when `reference` is on the gateway and a token is to be sent: the gateway
 * takes any user name with an access token as the password, as `skopeo login -u x -p <token>` would.
 */
function credentialFlags(flag: '--creds' | '--src-creds' | '--dest-creds', reference: string, options: SkopeoOptions): string[] {
  if (!reference.startsWith(`docker://${registryHost()}/`) || options.token === null) return [];
  return [flag, `admin:${options.token ?? adminToken()}`];
}

/** `skopeo copy`; the TLS flags are harmless for non-docker transports. */
export async function skopeoCopy(source: string, destination: string, flags: string[] = [], options: SkopeoOptions = {}): Promise<void> {
  const credentials = [...credentialFlags('--src-creds', source, options), ...credentialFlags('--dest-creds', destination, options)];
  await skopeo(['copy', '--quiet', '--src-tls-verify=false', '--dest-tls-verify=false', '--retry-times', '0', ...credentials, ...flags, source, destination], options);
}

/** `skopeo inspect` parsed (name, digest, tags, architecture, labels, layers, …). */
export async function skopeoInspect(reference: string, flags: string[] = [], options: SkopeoOptions = {}): Promise<SkopeoInspection> {
  const { stdout } = await skopeo(['inspect', ...REGISTRY_FLAGS, ...credentialFlags('--creds', reference, options), ...flags, reference], options);
  return JSON.parse(stdout) as SkopeoInspection;
}

/** `skopeo inspect --raw`: the manifest exactly as the registry served it. */
export async function skopeoInspectRaw(reference: string, options: SkopeoOptions = {}): Promise<Buffer> {
  const { stdout } = await skopeo(['inspect', ...REGISTRY_FLAGS, ...credentialFlags('--creds', reference, options), '--raw', reference], options);
  return Buffer.from(stdout, 'utf8');
}

/** `skopeo inspect --config --raw`: the image config blob as served. */
export async function skopeoInspectConfig(reference: string, options: SkopeoOptions = {}): Promise<Buffer> {
  const { stdout } = await skopeo(['inspect', ...REGISTRY_FLAGS, ...credentialFlags('--creds', reference, options), '--config', '--raw', reference], options);
  return Buffer.from(stdout, 'utf8');
}

export async function skopeoDelete(reference: string, options: SkopeoOptions = {}): Promise<void> {
  await skopeo(['delete', ...REGISTRY_FLAGS, ...credentialFlags('--creds', reference, options), reference], options);
}

export async function skopeoListTags(repositoryReference: string, options: SkopeoOptions = {}): Promise<{ Repository: string; Tags: string[] }> {
  const { stdout } = await skopeo(['list-tags', ...REGISTRY_FLAGS, ...credentialFlags('--creds', repositoryReference, options), repositoryReference], options);
  return JSON.parse(stdout) as { Repository: string; Tags: string[] };
}

export interface SkopeoInspection {
  Name: string;
  Digest: string;
  RepoTags?: string[];
  Created?: string;
  Architecture: string;
  Os: string;
  Variant?: string;
  Labels: Record<string, string> | null;
  Layers: string[];
  LayersData?: { MIMEType: string; Digest: string; Size: number }[];
  Env?: string[];
}
