// Preload (`node -r ./tools/register-compiled-paths.js dist/compiled/...`) that resolves the
// workspace's path aliases (@imagestreams/*) to the JavaScript `npm run build:compiled` wrote,
// so compiled services run as one plain node process: no ts-node, no TypeScript compiler resident.
'use strict';
const path = require('node:path');
const { register } = require('tsconfig-paths');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'compiled');
const base = require(path.join(root, 'tsconfig.base.json'));
const paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((target) => target.replace(/\.ts$/, ''))]));
register({ baseUrl: outDir, paths });
