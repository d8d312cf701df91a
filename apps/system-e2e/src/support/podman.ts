import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminToken } from './api';

/**
 * podman and buildah (Debian's, or whatever PODMAN / BUILDAH name) on a storage of their own in a
 * temp dir (vfs driver: no overlay mounts needed, nothing shared with the machine's images), so
 * every PodmanStore starts empty and a pull really goes to the registry. Both tools read the same
 * containers/storage, so an image buildah commits there is podman's too. The gateway speaks plain
 * HTTP on 127.0.0.1, so TLS verification is off; credentials are `--creds admin:<token>`, the
 * gateway taking any user name with an access token as the password.
 */

const execFileAsync = promisify(execFile);
const TOOLS = { podman: process.env['PODMAN'] ?? 'podman', buildah: process.env['BUILDAH'] ?? 'buildah' };

const roots = new Set<string>();

/** Removes every store made so far (their images and layers included). */
export async function removePodmanStores(): Promise<void> {
  await Promise.all([...roots].map((root) => rm(root, { recursive: true, force: true })));
  roots.clear();
}

export class PodmanStore {
  private constructor(private readonly root: string) {}

  static async create(): Promise<PodmanStore> {
    // podman refuses mixed-case paths as image names (see load), so the root is lowercase, unlike mkdtemp's.
    const root = path.join(tmpdir(), `podman-e2e-${randomBytes(6).toString('hex')}`);
    await mkdir(path.join(root, 'run'), { recursive: true });
    roots.add(root);
    return new PodmanStore(root);
  }

  /** Runs `podman <args>` on this store; rejects with podman's stderr when it exits non-zero. */
  run(args: string[], timeoutMs = 60_000): Promise<string> {
    return this.runTool('podman', args, timeoutMs);
  }

  /** Runs `buildah <args>` on this store. */
  buildah(args: string[], timeoutMs = 60_000): Promise<string> {
    return this.runTool('buildah', args, timeoutMs);
  }

  private async runTool(tool: keyof typeof TOOLS, args: string[], timeoutMs: number): Promise<string> {
    const all = ['--root', path.join(this.root, 'storage'), '--runroot', path.join(this.root, 'run'), '--storage-driver', 'vfs', ...args];
    try {
      const { stdout } = await execFileAsync(TOOLS[tool], all, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
      return stdout.trim();
    } catch (error) {
      const failed = error as { code?: number | string; stderr?: string; message: string };
      throw new Error(`${tool} ${args.join(' ')} failed (exit ${failed.code}):\n${(failed.stderr ?? failed.message).trim()}`);
    }
  }

  /** A file for tools to read or write (a build context file, a digest file), inside the store's dir. */
  file(name: string): string {
    return path.join(this.root, name);
  }

  /**
   * Pushes `source` to `docker://<target>` with the admin's credentials (`command`: `['push']`, or
   * `['manifest', 'push', '--all']`) and returns the manifest digest the tool says it wrote.
   */
  async push(tool: keyof typeof TOOLS, command: string[], source: string, target: string): Promise<string> {
    const digestFile = this.file(`digest-${randomBytes(4).toString('hex')}`);
    await this.runTool(tool, [...command, '--tls-verify=false', ...PodmanStore.credentials(), '--digestfile', digestFile, source, `docker://${target}`], 60_000);
    return (await readFile(digestFile, 'utf8')).trim();
  }

  /** `--creds admin:<token>` for the gateway (`token` null: none, anonymous). */
  static credentials(token: string | null = adminToken()): string[] {
    return token === null ? [] : ['--creds', `admin:${token}`];
  }

  /**
   * Copies an OCI image layout into this store (`podman pull oci:…`), returning the image ID.
   * podman names such an image after the layout's path, which must therefore be a valid (lowercase)
   * repository name: the layout is copied under the store's root first.
   */
  async load(layoutDir: string, tag: string): Promise<string> {
    const lowercase = path.join(this.root, `layout-${randomBytes(4).toString('hex')}`);
    await cp(layoutDir, lowercase, { recursive: true });
    return this.run(['pull', '--quiet', `oci:${lowercase}:${tag}`]);
  }

  /** The image ID podman gives a local image: its config's digest, hex only. */
  async imageId(reference: string): Promise<string> {
    return this.run(['image', 'inspect', '--format', '{{.Id}}', reference]);
  }
}
