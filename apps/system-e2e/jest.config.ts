/**
 * Whole-system tests: one stack (five services, a private NATS server, a fresh database) is
 * started for the run and shared by every suite; suites isolate themselves by namespace.
 */
export default {
  displayName: 'system-e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
  testTimeout: 60_000,
};
