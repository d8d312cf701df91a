#!/usr/bin/env node
// Runs a TypeScript entry point from the JavaScript `npm run build:compiled` wrote to dist/compiled,
// as production does, instead of through ts-node (which keeps the TypeScript compiler resident:
// about 60-80 MB of RSS per process). Usage: node tools/run-compiled.js <path/to/entry.ts> [args...]
'use strict';
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node tools/run-compiled.js <entry.ts> [args...]\n');
  process.exit(2);
}
const compiled = path.join(root, 'dist', 'compiled', path.relative(root, path.resolve(entry))).replace(/\.ts$/, '.js');
if (!existsSync(compiled)) {
  process.stderr.write(`${compiled} is missing: run npm run build:compiled first\n`);
  process.exit(2);
}
require('./register-compiled-paths');
// In this process (signals reach the program itself), with the arguments it would have had.
process.argv = [process.argv[0], compiled, ...args];
require(compiled);
