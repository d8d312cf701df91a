#!/usr/bin/env node
// Runs a TypeScript entry point from the JavaScript `npm run build:compiled` wrote to dist/compiled,
// as production would, instead of through ts-node (which keeps the TypeScript compiler resident:
// about 60-80 MB of RSS per process). Usage: node tools/run-compiled.js <path/to/entry.ts> [args...]
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'dist', 'compiled');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node tools/run-compiled.js <entry.ts> [args...]\n');
  process.exit(2);
}
const compiled = path.join(outDir, path.relative(root, path.resolve(entry))).replace(/\.ts$/, '.js');
if (!existsSync(compiled)) {
  process.stderr.write(`${compiled} is missing: run npm run build:compiled first\n`);
  process.exit(2);
}
// The workspace's path aliases, pointed at the compiled files.
const base = require(path.join(root, 'tsconfig.base.json'));
const paths = Object.fromEntries(Object.entries(base.compilerOptions.paths).map(([alias, targets]) => [alias, targets.map((target) => target.replace(/\.ts$/, ''))]));
const pathsFile = path.join(outDir, 'tsconfig.paths.json');
writeFileSync(pathsFile, JSON.stringify({ compilerOptions: { baseUrl: outDir, paths } }));
const result = spawnSync(process.execPath, ['-r', 'tsconfig-paths/register', compiled, ...args], { stdio: 'inherit', env: { ...process.env, TS_NODE_PROJECT: pathsFile } });
process.exit(result.status ?? 1);
