/**
 * Jest loads globalSetup/globalTeardown with plain Node resolution, not its own moduleNameMapper,
 * so the `@imagestreams/*` path aliases are registered here before anything imports them.
 */
import path from 'node:path';
import { register } from 'tsconfig-paths';

const root = path.resolve(__dirname, '../../../..');
const { compilerOptions } = require(path.join(root, 'tsconfig.base.json')) as { compilerOptions: { paths: Record<string, string[]> } };
register({ baseUrl: root, paths: compilerOptions.paths });
