import { Controller, Get, type INestApplication, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandler } from 'express';
import request from 'supertest';
import { HTTP_REQUEST_LOGGER, LoggingModule } from './logging.module';
import { ServiceLogger } from './service-logger';

function captured(): { destination: { write(line: string): void }; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) }, lines };
}

@Controller('things')
class ThingsController {
  private readonly logger = new Logger('Things');

  @Get()
  async list() {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.warn('listing things');
    return [];
  }
}

describe('LoggingModule', () => {
  describe('ServiceLogger (Nest logger calls as pino lines)', () => {
    const logger = () => {
      const { destination, lines } = captured();
      const module = LoggingModule.forService({ serviceName: 'spec', level: 'trace', destination });
      const provider = module.providers?.find((candidate) => typeof candidate === 'object' && 'provide' in candidate && candidate.provide === ServiceLogger) as { useValue: ServiceLogger };
      return { log: provider.useValue, lines };
    };

    it('takes the last extra argument as the context and maps Nest levels to pino levels', () => {
      const { log, lines } = logger();
      log.log('started', 'Bootstrap');
      log.verbose('detail');
      log.warn('careful', 'Worker');
      expect(lines).toMatchObject([
        { level: 30, msg: 'started', context: 'Bootstrap', service: 'spec' },
        { level: 10, msg: 'detail' },
        { level: 40, msg: 'careful', context: 'Worker' },
      ]);
      expect(lines[1]).not.toHaveProperty('context');
    });

    it("keeps an Error as err, merges an object message, and reads Nest's error(message, stack, context) as a stack, not a format argument", () => {
      const { log, lines } = logger();
      log.error(new Error('boom'), 'Worker');
      log.warn({ subscription: 'team/hook', attempts: 3 }, 'Worker');
      log.error('shutdown failed', 'Error: shutdown failed\n    at stop (file.ts:1:1)', 'Shutdown');
      expect(lines[0]).toMatchObject({ level: 50, msg: 'boom', context: 'Worker', err: { message: 'boom', type: 'Error' } });
      expect(lines[1]).toMatchObject({ level: 40, subscription: 'team/hook', attempts: 3, context: 'Worker' });
      expect(lines[2]).toMatchObject({ level: 50, msg: 'shutdown failed', context: 'Shutdown', err: { stack: 'Error: shutdown failed\n    at stop (file.ts:1:1)' } });
    });
  });

  describe('in an HTTP service', () => {
    let app: INestApplication;
    let lines: Record<string, unknown>[];

    beforeAll(async () => {
      const output = captured();
      lines = output.lines;
      const moduleRef = await Test.createTestingModule({
        imports: [LoggingModule.forService({ serviceName: 'spec', level: 'info', destination: output.destination })],
        controllers: [ThingsController],
      }).compile();
      app = moduleRef.createNestApplication();
      // As runService mounts them.
      app.useLogger(app.get(ServiceLogger));
      app.use(app.get<RequestHandler>(HTTP_REQUEST_LOGGER));
      await app.init();
    });

    afterAll(() => app.close());

    afterEach(() => jest.restoreAllMocks());

    it('writes one line per request with its status and latency, none for probes, and the handlers\' own lines', async () => {
      lines.length = 0;
      await request(app.getHttpServer()).get('/things').set('authorization', 'Bearer secret').expect(200);
      await request(app.getHttpServer()).get('/readyz').expect(404);
      expect(lines.find((line) => line['context'] === 'Things')).toMatchObject({ level: 40, msg: 'listing things' });
      const requests = lines.filter((line) => line['req'] !== undefined);
      expect(requests).toHaveLength(1);
      expect(requests[0]).toMatchObject({ msg: 'request completed', res: { statusCode: 200 }, req: { method: 'GET', url: '/things', headers: { authorization: '[Redacted]' } } });
      expect(typeof requests[0]['responseTime']).toBe('number');
    });

    it('binds nothing to an AsyncLocalStorage, whose first use turns on promise hooks that slow every promise of the process', async () => {
      const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
      const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
      await request(app.getHttpServer()).get('/things').expect(200);
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    });
  });
});
