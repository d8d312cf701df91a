import { requestLogSerializers } from './logging/logging.module';
import { redactSecretPath } from './secret-paths';

describe('redactSecretPath', () => {
  it.each([
    ['/apis/build.openshift.io/v1/namespaces/a/buildconfigs/web/webhooks/s3cret/github', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/web/webhooks/[redacted]/github'],
    ['/apis/build.openshift.io/v1/namespaces/a/buildconfigs/web/webhooks/s3cret', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/web/webhooks/[redacted]'],
    ['/apis/imagestreams.io/v1/registrynotifications/harbor/s3cret', '/apis/imagestreams.io/v1/registrynotifications/harbor/[redacted]'],
    ['/apis/imagestreams.io/v1/registrynotifications/harbor/s3cret?x=1', '/apis/imagestreams.io/v1/registrynotifications/harbor/[redacted]?x=1'],
    ['/APIS/BUILD.OPENSHIFT.IO/V1/NAMESPACES/A/BUILDCONFIGS/WEB/WEBHOOKS/S3CRET/GITHUB', '/APIS/BUILD.OPENSHIFT.IO/V1/NAMESPACES/A/BUILDCONFIGS/WEB/WEBHOOKS/[redacted]/GITHUB'],
    ['/apis/image.openshift.io/v1/namespaces/a/imagestreams/webhooks', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/webhooks'],
  ])('%s', (url, expected) => {
    expect(redactSecretPath(url)).toBe(expected);
  });
});

describe('the request log', () => {
  it('logs a webhook call without the secret in its url or params', () => {
    const logged = requestLogSerializers.req({ url: '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/web/webhooks/s3cret/github', params: { secret: 's3cret' } });
    expect(JSON.stringify(logged)).not.toContain('s3cret');
    expect(logged.url).toContain('/webhooks/[redacted]/github');
  });
});
