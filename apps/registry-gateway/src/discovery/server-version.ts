/**
 * What `GET /version` answers (Kubernetes' version.Info). The gateway is not Kubernetes; it speaks
 * the API the way a 1.20 server does as far as kubectl can tell: legacy discovery (no aggregated
 * discovery), no `/openapi/v2` or `/openapi/v3` (so kubectl falls back to JSON merge patches), no
 * server-side apply, no Table output. Claiming a newer minor would promise those. The build metadata
 * (`+imagestreams`) says whose server it is, as distributions do (`+k3s1`).
 */
export const KUBERNETES_COMPATIBILITY = { major: '1', minor: '20' } as const;

export const SERVER_GIT_VERSION = `v${KUBERNETES_COMPATIBILITY.major}.${KUBERNETES_COMPATIBILITY.minor}.0+imagestreams`;

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

const NODE_ARCHITECTURES: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };

export function versionInfo(): VersionInfo {
  return {
    ...KUBERNETES_COMPATIBILITY,
    gitVersion: SERVER_GIT_VERSION,
    gitCommit: '',
    gitTreeState: '',
    buildDate: '',
    // Not Go: the runtime that serves the API, in the field clients print.
    goVersion: `node ${process.version}`,
    compiler: 'node',
    platform: `${process.platform}/${NODE_ARCHITECTURES[process.arch] ?? process.arch}`,
  };
}
