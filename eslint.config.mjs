import nx from '@nx/eslint-plugin';

// Module boundaries are the architecture: every project carries one `type:` and one `scope:` tag,
// and these constraints are what stop an app from reaching into another app or a domain lib from
// importing a framework.
const frameworkPackages = ['@nestjs/*', 'typeorm', 'pg', 'nats', 'class-validator', 'class-transformer'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/tmp', '**/.nx'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:platform', 'type:testing'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing', 'type:tooling'] },
            { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:contracts', 'type:tooling'] },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:domain'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: ['type:domain'],
              bannedExternalImports: frameworkPackages,
            },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:domain', 'type:tooling'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:image', onlyDependOnLibsWithTags: ['scope:image', 'scope:shared'] },
            { sourceTag: 'scope:trigger', onlyDependOnLibsWithTags: ['scope:trigger', 'scope:shared'] },
            { sourceTag: 'scope:import', onlyDependOnLibsWithTags: ['scope:import', 'scope:shared'] },
            { sourceTag: 'scope:template', onlyDependOnLibsWithTags: ['scope:template', 'scope:shared'] },
            { sourceTag: 'scope:access', onlyDependOnLibsWithTags: ['scope:access', 'scope:shared'] },
            // The gateway is where every request is authenticated and authorized.
            { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:access', 'scope:shared'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The testing lib (real Postgres/NATS fixtures) is for specs (and the *.fixture.ts files they share) only.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'libs/*/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/*.fixture.ts', 'libs/testing/**', 'apps/system-e2e/src/support/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['@imagestreams/testing'] }],
    },
  },
  {
    // Contracts are shared by every service, so they may use class-validator but no framework or driver.
    files: ['libs/contracts/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['@imagestreams/testing'], patterns: ['@nestjs/*', 'typeorm', 'pg', 'nats'] }],
    },
  },
  {
    // Configuration is read once, validated, and injected: only config files touch process.env.
    files: ['apps/*/src/**/*.ts', 'libs/**/*.ts'],
    // Test harnesses (testing lib, system-e2e) read TEST_*/E2E_* locations of the real servers.
    ignores: ['**/*.config.ts', 'libs/platform/config/**', 'libs/testing/**', 'apps/system-e2e/**', '**/*.spec.ts', '**/*.int-spec.ts', '**/*.fixture.ts'],
    rules: { 'no-process-env': 'error' },
  },
];
