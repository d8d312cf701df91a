// Shared Jest settings for every project: ts-jest in transpile-only mode (type checking is
// `npm run typecheck`'s job, the first step of `npm test`) and Nx's resolver so `@imagestreams/*`
// paths resolve to sources.
const nxPreset = require('@nx/jest/preset').default;

module.exports = {
  ...nxPreset,
  testEnvironment: 'node',
  // Decorator metadata (class-transformer, Nest DI) needs the Reflect API before any module loads.
  setupFiles: ['reflect-metadata'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
};
