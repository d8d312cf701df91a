import { rewritePullSpec } from './registry-rewrite';

/** OpenShift's `coreUpdateDockerPullSpec` (reference §6.4), the examples of the reference and of the operator's tests. */
describe('rewritePullSpec (samplesRegistry)', () => {
  it.each([
    // 1. no registry, or already on it: unchanged
    ['registry.redhat.io/ubi9/ruby-33:latest', '', 'registry.redhat.io/ubi9/ruby-33:latest'],
    ['registry.redhat.io/ubi9/ruby-33:latest', undefined, 'registry.redhat.io/ubi9/ruby-33:latest'],
    ['mirror.example.com:5000/ubi9/ruby-33:latest', 'mirror.example.com:5000', 'mirror.example.com:5000/ubi9/ruby-33:latest'],
    // ... by plain string prefix, so a longer host that starts with the registry counts as on it
    ['quay.io.mirror/sclorg/redis-7-c9s:latest', 'quay.io', 'quay.io.mirror/sclorg/redis-7-c9s:latest'],
    // 2. host/namespace/name from a known registry: the host is replaced
    ['registry.redhat.io/ubi9/ruby-33:latest', 'mirror.example.com:5000', 'mirror.example.com:5000/ubi9/ruby-33:latest'],
    ['registry.access.redhat.com/ubi9/nodejs-22:latest', 'mirror.example.com', 'mirror.example.com/ubi9/nodejs-22:latest'],
    ['quay.io/sclorg/postgresql-16-c9s:latest', 'mirror.example.com', 'mirror.example.com/sclorg/postgresql-16-c9s:latest'],
    ['docker.io/library/redis:7', 'mirror.example.com', 'mirror.example.com/library/redis:7'],
    ['registry.svc.ci.openshift.org/ocp/ruby:3', 'mirror.example.com', 'mirror.example.com/ocp/ruby:3'],
    ['quay.io/sclorg/postgresql-16-c9s@sha256:0123', 'mirror.example.com', 'mirror.example.com/sclorg/postgresql-16-c9s@sha256:0123'],
    // ... a registry with a path or a port (the operator's tests use both)
    ['registry.redhat.io/ubi9/ruby-33:latest', 'foo.io/bar', 'foo.io/bar/ubi9/ruby-33:latest'],
    ['registry.redhat.io/ubi9/ruby-33:latest', 'foo.io:1111/bar', 'foo.io:1111/bar/ubi9/ruby-33:latest'],
    // ... known by plain prefix too: `quay.iox` starts with `quay.io`, only that part is replaced
    ['quay.iox/a/b', 'mirror.example.com', 'mirror.example.comx/a/b'],
    // 2b. host/namespace/name from another registry: the first segment is replaced
    ['other.example.com/team/app:1', 'mirror.example.com', 'mirror.example.com/team/app:1'],
    ['localhost:5000/team/app:1', 'mirror.example.com', 'mirror.example.com/team/app:1'],
    // 3. one slash (no host), or three or more: the registry goes in front
    ['centos/ruby-25-centos7', 'mirror.example.com', 'mirror.example.com/centos/ruby-25-centos7'],
    ['centos/ruby-25-centos7:latest', 'foo.io:1111/bar', 'foo.io:1111/bar/centos/ruby-25-centos7:latest'],
    ['quay.io/a/b/c', 'mirror.example.com', 'mirror.example.com/quay.io/a/b/c'],
    ['ruby', 'mirror.example.com', 'mirror.example.com/ruby'],
  ])('%s with %p → %s', (pullSpec, registry, expected) => {
    expect(rewritePullSpec(pullSpec, registry)).toBe(expected);
  });

  it('never reads the registry as a replacement pattern', () => {
    expect(rewritePullSpec('quay.io/a/b', '$&x')).toBe('$&x/a/b');
  });
});
