/**
 * Fault tests against a three-node NATS JetStream cluster with two replicas of every service.
 * Each suite starts (and tears down) its own cluster, database and services: nothing is shared
 * with system-e2e, whose single private NATS server could not lose a node.
 */
export default {
  displayName: 'cluster-e2e',
  preset: '../../jest.preset.js',
  testMatch: ['<rootDir>/src/**/*.e2e-spec.ts'],
  testTimeout: 240_000,
};
