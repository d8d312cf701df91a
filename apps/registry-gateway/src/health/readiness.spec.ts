import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

describe('health probes (platform HealthModule without a database)', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('is live without asking NATS', async () => {
    gateway.nats.rtt = () => Promise.reject(new Error('must not be called'));

    const response = await request(gateway.http).get('/healthz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('is ready when NATS answers a round trip', async () => {
    gateway.nats.rtt = async () => 1.5;

    const response = await request(gateway.http).get('/readyz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', info: { nats: { status: 'up', rttMs: 1.5 } }, error: {}, details: { nats: { status: 'up', rttMs: 1.5 } } });
  });

  it('answers 503 with a JSON body when the round trip fails', async () => {
    gateway.nats.rtt = () => Promise.reject(new Error('disconnected'));

    const response = await request(gateway.http).get('/readyz');

    expect(response.status).toBe(503);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ status: 'error', error: { nats: { status: 'down', message: 'disconnected' } } });
  });

  it('answers 503 when NATS does not answer within a second', async () => {
    gateway.nats.rtt = () => new Promise<number>(() => undefined);

    const response = await request(gateway.http).get('/readyz');

    expect(response.status).toBe(503);
    expect(response.body.error.nats.message).toBe('no answer within 1000 ms');
  });

  it('answers 503 when the connection is closed', async () => {
    gateway.nats.closed = true;

    const response = await request(gateway.http).get('/readyz');

    expect(response.status).toBe(503);
    expect(response.body.error.nats).toEqual({ status: 'down', message: 'connection closed' });
  });
});
