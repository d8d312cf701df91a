import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

export type ConfigClass<T> = new () => T;

/** Raised at boot with every problem at once, so an operator fixes the environment in one pass. */
export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')} (got ${JSON.stringify(error.value)})`);
}

/** The default's type says how to read the string: no reliance on emitted decorator metadata. */
function convert(raw: string, defaultValue: unknown): unknown {
  if (typeof defaultValue === 'number') return raw.trim() === '' || Number.isNaN(Number(raw)) ? raw : Number(raw);
  if (typeof defaultValue === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : raw;
  return raw;
}

/**
 * Reads configuration once from an environment map (process.env by default), applies the class's
 * defaults, converts types and validates. Empty strings count as unset so `FOO=` falls back to
 * the default instead of failing a type check.
 */
export function loadConfig<T extends object>(cls: ConfigClass<T>, env: NodeJS.ProcessEnv = process.env): T {
  const defaults = new cls() as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults)) {
    const value = env[key];
    raw[key] = value === undefined || value === '' ? defaults[key] : convert(value, defaults[key]);
  }
  const config = plainToInstance(cls, raw, { exposeDefaultValues: true });
  const errors = validateSync(config as object, { whitelist: false, skipMissingProperties: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return Object.freeze(config);
}
