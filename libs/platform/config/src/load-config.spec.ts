import { IsInt, Matches, Min } from 'class-validator';
import { ConfigValidationError, loadConfig } from './load-config';
import { BaseServiceConfig } from './base-service.config';

class ExampleConfig {
  @Matches(/^postgres:\/\//)
  DATABASE_URL = 'postgres://localhost/db';

  @IsInt()
  @Min(1)
  WORKERS = 4;
}

describe('loadConfig', () => {
  it('applies defaults for unset and empty variables', () => {
    const config = loadConfig(ExampleConfig, { WORKERS: '' });
    expect(config.DATABASE_URL).toBe('postgres://localhost/db');
    expect(config.WORKERS).toBe(4);
  });

  it('converts numeric strings from the environment', () => {
    expect(loadConfig(ExampleConfig, { WORKERS: '12' }).WORKERS).toBe(12);
  });

  it('lists every invalid variable in one error', () => {
    let caught: unknown;
    try {
      loadConfig(ExampleConfig, { DATABASE_URL: 'mysql://x', WORKERS: '0' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const problems = (caught as ConfigValidationError).problems;
    expect(problems).toHaveLength(2); // one line per variable, all its problems together;
    expect(problems.join('\n')).toMatch(/DATABASE_URL/);
    expect(problems.join('\n')).toMatch(/WORKERS/);
  });

  it('returns a frozen object so configuration cannot drift at run time', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(Object.isFrozen(config)).toBe(true);
  });
});

describe('BaseServiceConfig', () => {
  it('sizes the Postgres pool from DATABASE_POOL_SIZE (20 by default) and refuses a pool of none', () => {
    expect(loadConfig(BaseServiceConfig, {}).DATABASE_POOL_SIZE).toBe(20);
    expect(loadConfig(BaseServiceConfig, { DATABASE_POOL_SIZE: '8' }).DATABASE_POOL_SIZE).toBe(8);
    expect(() => loadConfig(BaseServiceConfig, { DATABASE_POOL_SIZE: '0' })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
