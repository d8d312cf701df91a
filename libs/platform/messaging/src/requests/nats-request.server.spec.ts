import type { NatsConnection } from 'nats';
import { mayBeJson, NatsRequestServer } from './nats-request.server';

describe('NatsRequestServer routes', () => {
  const server = new NatsRequestServer({ info: undefined } as unknown as NatsConnection, 'test');
  const nestRoute = (pattern: string) => Object.getPrototypeOf(NatsRequestServer.prototype).getRouteFromPattern.call(server, pattern) as string;

  afterEach(() => jest.restoreAllMocks());

  it.each(['imagestreams.req.image.repository.resolvetag.v1', 'a', 'x.y.>', 'truely', '{"cmd":"sum"}', '["a"]', '"quoted"', '42', '-1', ' {"cmd":"sum"}', 'true', 'null'])(
    'answers what Nest answers for %s',
    (pattern) => {
      expect(server.getRouteFromPattern(pattern)).toBe(nestRoute(pattern));
    },
  );

  it('does not try to parse a plain subject as JSON (each failed parse costs a stack trace)', () => {
    const parse = jest.spyOn(JSON, 'parse');

    server.getRouteFromPattern('imagestreams.req.image.repository.resolvetag.v1');

    expect(parse).not.toHaveBeenCalled();
    expect(mayBeJson('imagestreams.req.image.repository.resolvetag.v1')).toBe(false);
    expect(mayBeJson('{"cmd":"sum"}')).toBe(true);
  });
});
