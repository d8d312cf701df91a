import { hasPgErrorCode, PgErrorCodes, retryOn, retryOnDeadlock } from './retry-on';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('retryOn', () => {
  it('runs the work again while it fails with a listed code, and returns what the run that succeeds returns', async () => {
    let runs = 0;
    const result = await retryOnDeadlock(async () => {
      runs += 1;
      if (runs < 3) throw pgError(PgErrorCodes.deadlockDetected);
      return 'done';
    });
    expect(result).toBe('done');
    expect(runs).toBe(3);
  });

  it('gives up after three runs in all, with the last error', async () => {
    let runs = 0;
    const failing = retryOn([PgErrorCodes.foreignKeyViolation], async () => {
      runs += 1;
      throw pgError(PgErrorCodes.foreignKeyViolation);
    });
    await expect(failing).rejects.toMatchObject({ code: PgErrorCodes.foreignKeyViolation });
    expect(runs).toBe(3);
  });

  it('does not run again for any other failure', async () => {
    let runs = 0;
    await expect(
      retryOnDeadlock(async () => {
        runs += 1;
        throw pgError('23505');
      }),
    ).rejects.toThrow('pg 23505');
    expect(runs).toBe(1);
  });

  it('reads codes only from errors that carry a string code', () => {
    expect(hasPgErrorCode(pgError('40P01'), [PgErrorCodes.deadlockDetected])).toBe(true);
    expect(hasPgErrorCode(new Error('x'), [PgErrorCodes.deadlockDetected])).toBe(false);
    expect(hasPgErrorCode(null, [PgErrorCodes.deadlockDetected])).toBe(false);
    expect(hasPgErrorCode({ code: 40 }, ['40'])).toBe(false);
  });
});
