import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumberString, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';

/** Whole decimal numbers only ('0x10', ' ' and '1e3' stay strings and fail validation). */
const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value);
const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];
/** Known spellings only: a typo ('ture') stays a string and fails validation instead of meaning false. */
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  return TRUE.includes(v) ? true : FALSE.includes(v) ? false : value;
};

/** Every setting Conduit reads from the environment, validated once at boot. */
export class Env {
  @IsString() DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/conduit';
  @IsString() REDIS_URL = 'redis://127.0.0.1:6379';
  /** Key prefix of every BullMQ key; tests give each run its own. */
  @IsString() QUEUE_PREFIX = 'conduit';

  @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT = 3000;
  @IsOptional() @IsString() HOST?: string;
  @IsIn(['error', 'warn', 'log', 'debug', 'verbose']) LOG_LEVEL = 'log';

  @IsString() ADMIN_USER = 'admin';
  /** Bull Board and admin endpoints; empty disables them: they are never served without credentials. */
  @IsString() ADMIN_PASSWORD = '';

  /** Postgres connections per process. */
  @Transform(toInt) @IsInt() @Min(1) @Max(200) DB_POOL_MAX = 10;

  /** On SIGTERM, how long a service waits for its active jobs before exiting 1. */
  @Transform(toInt) @IsInt() @Min(0) @Max(600000) SHUTDOWN_TIMEOUT_MS = 30000;

  /** Worker concurrency per queue in one process. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) WORKER_CONCURRENCY = 16;

  /** Paper venue: starting equity of each deployment, taker fee and slippage in basis points. */
  @IsNumberString() PAPER_STARTING_EQUITY_USD = '10000';
  @IsNumberString() PAPER_TAKER_FEE_BPS = '4.5';
  @IsNumberString() PAPER_SLIPPAGE_BPS = '5';
  /** Deterministic random walk of paper marks: off in tests (marks are a fixed table). */
  @Transform(toBool) @IsBoolean() PAPER_RANDOM_WALK = false;
  @Transform(toInt) @IsInt() @Min(100) PAPER_WALK_INTERVAL_MS = 2000;
  @IsNumberString() PAPER_WALK_STEP_BPS = '5';
  @IsString() PAPER_WALK_SEED = 'conduit';

  /** Billing: profit share of positive realized PnL, in percent. */
  @IsNumberString() @Matches(/^(100(\.0+)?|\d{1,2}(\.\d+)?)$/, { message: 'PROFIT_SHARE_PCT must be within 0-100' }) PROFIT_SHARE_PCT = '20';
  @Transform(toInt) @IsInt() @Min(0) @Max(365) TRIAL_DAYS = 7;

  /** How long the gateway waits for the pipeline before answering 202. */
  @Transform(toInt) @IsInt() @Min(0) @Max(120000) GATEWAY_WAIT_MS = 10000;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse and validate an environment; throws naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const defaults = new Env();
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(defaults) as (keyof Env)[]) {
    // An empty variable (`PORT=` in a .env or compose file) means unset: the default applies.
    if (source[key] !== undefined && source[key] !== '') raw[key] = source[key];
  }
  if (source.HOST) raw.HOST = source.HOST;
  const env = plainToInstance(Env, { ...defaults, ...raw });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length) {
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new ConfigError(`invalid environment: ${detail}`);
  }
  return env;
}
