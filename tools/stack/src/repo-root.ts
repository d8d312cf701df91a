import path from 'node:path';

// This file lives in tools/stack/src, so the repository root is three levels up. Computing it from
// __dirname (not process.cwd()) lets the launcher and tests run from any working directory.
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
