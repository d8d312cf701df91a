import { dataKeyOf, loginFor, parseAuths, registryKeyHost } from './docker-config';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('pull secret parsing', () => {
  it.each([
    ['https://index.docker.io/v1/', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['registry-1.docker.io', 'docker.io'],
    ['Quay.io', 'quay.io'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ])('%s is registry %s', (key, host) => {
    expect(registryKeyHost(key)).toBe(host);
  });

  it('reads auth, username/password and identity tokens from .dockerconfigjson', () => {
    const logins = parseAuths('kubernetes.io/dockerconfigjson', {
      auths: {
        'quay.io': { auth: b64('robot:s3cr:et') },
        'localhost:5000': { username: 'u', password: 'p' },
        'https://index.docker.io/v1/': { identitytoken: 'tok' },
        'broken.io': { auth: b64('no-colon') },
        'junk.io': 'not an object',
      },
    });
    expect(Object.fromEntries(logins ?? [])).toEqual({
      'quay.io': { username: 'robot', password: 's3cr:et' },
      'localhost:5000': { username: 'u', password: 'p' },
      'docker.io': { username: '<token>', password: 'tok' },
    });
  });

  it('finds a Docker Hub login for requests to its API host, however the secret spells Docker Hub', () => {
    for (const key of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']) {
      const logins = parseAuths('kubernetes.io/dockerconfigjson', { auths: { [key]: { username: 'hub', password: 'pw' } } }) ?? new Map();
      expect(loginFor(logins, 'registry-1.docker.io')).toEqual({ username: 'hub', password: 'pw' });
      expect(loginFor(logins, 'docker.io')).toEqual({ username: 'hub', password: 'pw' });
    }
    const quay = parseAuths('kubernetes.io/dockerconfigjson', { auths: { 'quay.io': { username: 'q', password: 'p' } } }) ?? new Map();
    expect(loginFor(quay, 'Quay.io')).toEqual({ username: 'q', password: 'p' });
    expect(loginFor(quay, 'registry-1.docker.io')).toBeUndefined();
  });

  it('reads .dockercfg, whose top level is the auths map', () => {
    expect(parseAuths('kubernetes.io/dockercfg', { 'quay.io': { auth: b64('a:b') } })?.get('quay.io')).toEqual({ username: 'a', password: 'b' });
    expect(dataKeyOf('kubernetes.io/dockercfg')).toBe('.dockercfg');
    expect(dataKeyOf('kubernetes.io/dockerconfigjson')).toBe('.dockerconfigjson');
  });

  it.each([[null], [[]], ['text'], [{ auths: [] }], [{ auths: 'x' }]])('%j is not a pull secret', (json) => {
    expect(parseAuths('kubernetes.io/dockerconfigjson', json)).toBeUndefined();
  });
});
