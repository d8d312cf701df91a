import { ErrorCode, NatsError } from 'nats';
import { isTransientJetStreamError, withJetStreamRetry } from './jetstream-retry';

describe('isTransientJetStreamError', () => {
  it.each([
    ['a request timeout', new NatsError('TIMEOUT', ErrorCode.Timeout)],
    ['no leader yet', new NatsError('JetStream system temporarily unavailable', '503')],
    ['a cluster still learning its peers', new NatsError('insufficient resources: no suitable peers for placement', '500')],
  ])('retries %s', (_what, error) => {
    expect(isTransientJetStreamError(error)).toBe(true);
  });

  it.each([
    ['no responders (JetStream is not enabled)', new NatsError('503', ErrorCode.NoResponders)],
    ['a wrong configuration', new NatsError('replicas > 1 not supported in non-clustered mode', '500')],
    ['a missing stream', new NatsError('stream not found', '404')],
    ['anything else', new Error('boom')],
    ['a non-error', undefined],
  ])('does not retry %s', (_what, error) => {
    expect(isTransientJetStreamError(error)).toBe(false);
  });
});

describe('withJetStreamRetry', () => {
  it('retries transient failures until the work succeeds, reporting each retry', async () => {
    const retries: string[] = [];
    let calls = 0;
    const result = await withJetStreamRetry(
      'provisioning stream S',
      async () => {
        calls++;
        if (calls < 3) throw new NatsError('TIMEOUT', ErrorCode.Timeout);
        return 'ok';
      },
      { initialDelayMs: 1, onRetry: (message) => retries.push(message) },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(retries).toEqual(['provisioning stream S failed (TIMEOUT); retrying in 1 ms', 'provisioning stream S failed (TIMEOUT); retrying in 2 ms']);
  });

  it('rethrows a permanent failure at once', async () => {
    let calls = 0;
    const permanent = new NatsError('replicas > 1 not supported in non-clustered mode', '500');
    await expect(
      withJetStreamRetry('provisioning stream S', async () => {
        calls++;
        throw permanent;
      }),
    ).rejects.toBe(permanent);
    expect(calls).toBe(1);
  });

  it('gives up with the last error at the deadline', async () => {
    const timeout = new NatsError('TIMEOUT', ErrorCode.Timeout);
    await expect(
      withJetStreamRetry(
        'provisioning stream S',
        async () => {
          throw timeout;
        },
        { timeoutMs: 30, initialDelayMs: 5 },
      ),
    ).rejects.toBe(timeout);
  });
});
