// Builds the native blob sender (libs/platform/blob-storage/native) after `npm ci`. Optional by
// design: without a compiler (the slim container images) the build fails, this says so, and the
// gateway sends blobs from its event loop as before.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');

const directory = path.join(__dirname, '..', 'libs', 'platform', 'blob-storage', 'native');
if (!existsSync(path.join(directory, 'binding.gyp'))) process.exit(0);

// npm puts its own node-gyp on PATH for lifecycle scripts; run by hand, use the one npm ships.
const bundled = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const [command, args] = existsSync(bundled) ? [process.execPath, [bundled]] : ['node-gyp', []];
// Node's own headers where this Node came from (Debian's nodejs ships them): no download needed.
const installPrefix = path.join(path.dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir || (existsSync(path.join(installPrefix, 'include', 'node', 'node_api.h')) ? installPrefix : undefined);
const options = nodedir ? [`--nodedir=${nodedir}`] : [];
const result = spawnSync(command, [...args, 'rebuild', `--directory=${directory}`, ...options], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
if (result.status === 0) {
  console.log('native blob sender built: big blobs leave from threads of their own');
} else {
  console.warn(`native blob sender not built (${(result.stderr || String(result.error)).trim().split('\n').slice(-3).join(' | ')}): blobs are sent from the event loop`);
}
