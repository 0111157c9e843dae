import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsJSON, IsNumberString, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import { trustProxySetting } from './trust-proxy';

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
  /** json: one JSON object a line (the default, for log collectors); pretty: pino-pretty's colored lines, for local development. */
  @IsIn(['json', 'pretty']) LOG_FORMAT: 'json' | 'pretty' = 'json';

  /**
   * Bootstrap of the first admin (docs/OPERATORS.md): with both set, a gateway that finds no admin among the operators
   * creates this one at boot. They open nothing by themselves: operators sign in at POST /api/v3/operators/login.
   */
  @IsString() ADMIN_EMAIL = '';
  @IsString() ADMIN_PASSWORD = '';
  /** How long an operator session lasts (seconds). */
  @Transform(toInt) @IsInt() @Min(60) @Max(7 * 86400) OPERATOR_SESSION_TTL_S = 8 * 3600;

  /** Postgres connections per process. */
  @Transform(toInt) @IsInt() @Min(1) @Max(200) DB_POOL_MAX = 10;

  /** On SIGTERM, how long a service waits for its active jobs before exiting 1. */
  @Transform(toInt) @IsInt() @Min(0) @Max(600000) SHUTDOWN_TIMEOUT_MS = 30000;

  /** Worker concurrency per queue in one process. */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) WORKER_CONCURRENCY = 16;
  /**
   * Executor jobs taken at once per process. Opens of paper deployments running together are done as one batch, so
   * more at once makes bigger batches, not more connections; every other executor job (and any open the batch
   * leaves to the single path: live deployments, retries, refusals) still runs at most WORKER_CONCURRENCY at once.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) EXECUTOR_CONCURRENCY = 256;

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
  @IsNumberString() @Matches(/^(100(\.0+)?|\d{1,2}(\.\d+)?)$/, { message: 'PROFIT_SHARE_PCT must be within 0-100' }) PROFIT_SHARE_PCT =
    '20';
  @Transform(toInt) @IsInt() @Min(0) @Max(365) TRIAL_DAYS = 7;
  /** Subscription: price per period (USD) and the period, as a Postgres interval ('1 month', '7 days'). */
  @IsNumberString() SUBSCRIPTION_PRICE_USD = '10';
  @Matches(/^[1-9]\d{0,2} (day|days|week|weeks|month|months)$/, { message: 'SUBSCRIPTION_PERIOD must be like "1 month" or "30 days"' })
  SUBSCRIPTION_PERIOD = '1 month';
  /** How often due subscriptions are billed (a job scheduler); 0 = off. */
  @Transform(toInt) @IsInt() @Min(0) BILLING_INTERVAL_MS = 60000;
  /** Where live subscriptions are paid (a Hyperliquid address); unset: live subscription bills stay PENDING. */
  @IsOptional()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'BILLING_TREASURY_ADDRESS must be an address' })
  BILLING_TREASURY_ADDRESS?: string;
  /** Collection of a bill: attempts and the base of the exponential backoff between them (the retry window). */
  @Transform(toInt) @IsInt() @Min(1) @Max(50) BILLING_COLLECT_ATTEMPTS = 8;
  @Transform(toInt) @IsInt() @Min(1) BILLING_COLLECT_BACKOFF_MS = 60000;
  /**
   * LLM traders' performance snapshots (agent_performance): one row per trader and slot of this length, taken by a job
   * scheduler at the same interval; 0 = not scheduled (a job run by hand takes 5-minute slots).
   */
  @Transform(toInt) @IsInt() @Min(0) AGENT_PERFORMANCE_INTERVAL_MS = 300000;
  /** Retention (seed 004): how often it runs (0 = off), and the days kept of decisions, performance snapshots and marks. */
  @Transform(toInt) @IsInt() @Min(0) RETENTION_INTERVAL_MS = 86400000;
  @Transform(toInt) @IsInt() @Min(1) RETENTION_DECISIONS_DAYS = 90;
  @Transform(toInt) @IsInt() @Min(1) RETENTION_PERFORMANCE_DAYS = 180;
  @Transform(toInt) @IsInt() @Min(1) RETENTION_MARKS_DAYS = 2;
  /** Seed 003's retention: a watched wallet's events, its scores, the bias (days). */
  @Transform(toInt) @IsInt() @Min(1) RETENTION_EVENTS_DAYS = 90;
  @Transform(toInt) @IsInt() @Min(1) RETENTION_WALLET_SCORES_DAYS = 180;
  @Transform(toInt) @IsInt() @Min(1) RETENTION_BIAS_DAYS = 30;
  /** Closed positions older than this move to positions_archive (seed 003). */
  @Transform(toInt) @IsInt() @Min(1) RETENTION_POSITIONS_ARCHIVE_DAYS = 365;
  /** How often the daily_performance materialized view is refreshed (0: never on a schedule). */
  @Transform(toInt) @IsInt() @Min(0) DAILY_PERFORMANCE_INTERVAL_MS = 3600000;
  /**
   * Reports (issue 15): how often billing looks for a 4h or daily period that has ended without its report (0 = off;
   * a report lands within this long of its period's end), and the notional (USD) from which a watched wallet's event
   * is a notable event (liquidations always are).
   */
  @Transform(toInt) @IsInt() @Min(0) REPORTS_INTERVAL_MS = 300000;
  @IsNumberString() REPORT_WALLET_EVENT_USD = '100000';

  /** Rate limit of the REST API per client address and endpoint: requests per window (429 beyond), and the window. */
  @Transform(toInt) @IsInt() @Min(1) THROTTLE_LIMIT = 300;
  @Transform(toInt) @IsInt() @Min(100) THROTTLE_TTL_MS = 60000;
  /**
   * How many gateway processes serve the API together (the manifests set their replica count). Whatever its value,
   * the rate limit is counted in Redis, and nonces, revocations and operator sessions live in Redis and Postgres, so any
   * replica answers any request; above 1 the gateway refuses to start without a shared token key (AUTH_TOKEN_SECRET, or
   * MASTER_KEY to derive it from), as a random key of its own would make a token work only on the replica that issued it.
   */
  @Transform(toInt) @IsInt() @Min(1) @Max(1000) GATEWAY_REPLICAS = 1;
  /** Origins allowed to call the API from a browser, comma-separated; empty = no CORS headers. */
  @IsString() CORS_ORIGINS = '';
  /**
   * Which proxies in front of the gateway are believed about the client's address (X-Forwarded-For → req.ip: lockout,
   * rate limit, audit): unset = none; a hop count; or a comma list of addresses/CIDRs (`loopback, 10.0.0.0/8`).
   * See trustProxySetting.
   */
  @IsOptional() @IsString() TRUST_PROXY?: string;
  /**
   * The web dashboard's build (`npm run build` writes it with vite), served by the gateway at `/`; relative to the
   * working directory. The gateway serves no page when it is missing.
   */
  @IsString() WEB_DIR = 'dist/apps/web';

  /**
   * Wallet sign-in (EIP-4361, Sign-In with Ethereum): the domains a signed message may name (comma-separated,
   * host[:port] as the client sees the API; `host:*` is any port of host), how long an issued nonce lives, and how
   * long the bearer token lives.
   */
  @IsString() AUTH_DOMAINS = 'localhost:3000,127.0.0.1:3000';
  @Transform(toInt) @IsInt() @Min(1) @Max(3600) AUTH_NONCE_TTL_S = 300;
  @Transform(toInt) @IsInt() @Min(1) @Max(86400) AUTH_TOKEN_TTL_S = 900;
  /**
   * HMAC key of the bearer tokens (32+ bytes); derived from MASTER_KEY when unset, random per process when both are
   * (refused when GATEWAY_REPLICAS is above 1).
   */
  @IsOptional()
  @IsString()
  @Matches(/^.{32,}$/, { message: 'AUTH_TOKEN_SECRET must be at least 32 characters' })
  AUTH_TOKEN_SECRET?: string;
  /** Agent creation's proof of intent: how old its signed timestamp may be. */
  @Transform(toInt) @IsInt() @Min(10) @Max(86400) PROOF_OF_INTENT_MAX_AGE_S = 600;

  /** How long the gateway waits for the pipeline before answering 202. */
  @Transform(toInt) @IsInt() @Min(0) @Max(120000) GATEWAY_WAIT_MS = 10000;

  /** How long the gateway waits for a router to answer a question on the RPC channel (the routing preview) before a 503. */
  @Transform(toInt) @IsInt() @Min(50) @Max(60000) ROUTER_RPC_TIMEOUT_MS = 2000;

  // ---- custody and live venues -------------------------------------------------------------------------

  /** 32-byte key that seals agent keys (AES-256-GCM): 64 hex digits or base64. Never logged. */
  @IsOptional()
  @Matches(/^((0x)?[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=?)$/, { message: 'MASTER_KEY must be 32 bytes as 64 hex digits or base64' })
  MASTER_KEY?: string;
  /** Enables the live venue adapters; refuses to start without MASTER_KEY. Deployments still choose paper or live. */
  @Transform(toBool) @IsBoolean() LIVE_TRADING = false;
  /** Slippage bound of every market order, in basis points. */
  @IsNumberString() ORDER_MAX_SLIPPAGE_BPS = '50';

  @IsIn(['mainnet', 'testnet']) HYPERLIQUID_NETWORK = 'testnet';
  /** Overrides the network's API URL (a local Hyperliquid-compatible server in tests). */
  @IsOptional() @IsString() HYPERLIQUID_API_URL?: string;
  /** Builder fee: off unless both are set (fee in tenths of a basis point, as Hyperliquid counts it). */
  @IsOptional()
  @Matches(/^0x[0-9a-fA-F]{40}$/, { message: 'HYPERLIQUID_BUILDER_ADDRESS must be an address' })
  HYPERLIQUID_BUILDER_ADDRESS?: string;
  @Transform(toInt) @IsInt() @Min(0) @Max(1000) HYPERLIQUID_BUILDER_FEE = 0;
  @Transform(toInt) @IsInt() @Min(1000) @Max(120000) HYPERLIQUID_TIMEOUT_MS = 10000;

  @IsIn(['mainnet', 'sepolia']) OSTIUM_NETWORK = 'sepolia';
  /** JSON-RPC endpoint of Arbitrum (or a local chain); live Ostium is off without it. */
  @IsOptional() @IsString() OSTIUM_RPC_URL?: string;
  @IsOptional() @Matches(/^0x[0-9a-fA-F]{40}$/) OSTIUM_TRADING_ADDRESS?: string;
  @IsOptional() @Matches(/^0x[0-9a-fA-F]{40}$/) OSTIUM_STORAGE_ADDRESS?: string;
  @IsOptional() @Matches(/^0x[0-9a-fA-F]{40}$/) OSTIUM_USDC_ADDRESS?: string;
  @Transform(toInt) @IsOptional() @IsInt() OSTIUM_CHAIN_ID?: number;
  /** An Ostium market order the oracle has not filled after this long is failed with that reason. */
  @Transform(toInt) @IsInt() @Min(1000) OSTIUM_FILL_TIMEOUT_MS = 60000;

  /** GMX v2 on Arbitrum: live GMX is off without an RPC URL. GMX_CONTRACTS overrides addresses (JSON, a local chain in tests). */
  @IsIn(['arbitrum']) GMX_NETWORK = 'arbitrum';
  @IsOptional() @IsString() GMX_RPC_URL?: string;
  @Transform(toInt) @IsOptional() @IsInt() GMX_CHAIN_ID?: number;
  @IsOptional() @IsJSON() GMX_CONTRACTS?: string;
  /** An order GMX's keeper has not executed after this long is cancelled (once GMX lets its account cancel it) and failed over. */
  @Transform(toInt) @IsInt() @Min(1000) GMX_KEEPER_TIMEOUT_MS = 300000;
  /** The execution fee each GMX order carries, in wei of ETH paid by the agent wallet (GMX refunds what the keeper does not use). */
  @IsOptional() @Matches(/^[0-9]{1,24}$/) GMX_EXECUTION_FEE_WEI?: string;
  /** GMX referral code (32 bytes of hex) sent with every order; none unless set. */
  @IsOptional() @Matches(/^0x[0-9a-fA-F]{64}$/, { message: 'GMX_REFERRAL_CODE must be 32 bytes of hex' }) GMX_REFERRAL_CODE?: string;
  /** GMX's REST API, whose /prices/tickers are GMX's marks (its oracle prices). */
  @IsString() GMX_API_URL = 'https://arbitrum-api.gmxinfra.io';

  /** Uniswap v3 spot swaps on Arbitrum: live SPOT is off without an RPC URL. SPOT_CONTRACTS overrides addresses (JSON). */
  @IsIn(['arbitrum']) SPOT_NETWORK = 'arbitrum';
  @IsOptional() @IsString() SPOT_RPC_URL?: string;
  @Transform(toInt) @IsOptional() @IsInt() SPOT_CHAIN_ID?: number;
  @IsOptional() @IsJSON() SPOT_CONTRACTS?: string;
  /** The token list (Uniswap token-list schema) token_registry is synced from, with the venues; empty: not synced. */
  @IsString() SPOT_TOKEN_LIST_URL = 'https://tokens.uniswap.org';

  /** Market list and venue health sync, and reconciliation of live deployments; 0 turns a schedule off. */
  @Transform(toInt) @IsInt() @Min(0) VENUE_SYNC_INTERVAL_MS = 60000;
  @Transform(toInt) @IsInt() @Min(0) RECONCILE_INTERVAL_MS = 60000;

  /** Position monitor (stop loss, take profit, trailing stop, holding time): how often open positions are checked; 0 = off. */
  @Transform(toInt) @IsInt() @Min(0) MONITOR_INTERVAL_MS = 2000;
  /** Positions still open after this many hours are closed (0 = no limit). */
  @IsNumberString() MAX_HOLDING_HOURS = '0';

  // ---- Agent Where ---------------------------------------------------------------------------------------

  /** The router's in-memory markets, venue health and configs reload on every change (NOTIFY) and at least this often. */
  @Transform(toInt) @IsInt() @Min(100) ROUTER_CACHE_REFRESH_MS = 30000;
  /** Order books of tokens several venues list, for the cost strategies, refreshed in the background this often. */
  @Transform(toInt) @IsInt() @Min(100) ROUTER_BOOK_REFRESH_MS = 2000;

  // ---- Agent What ----------------------------------------------------------------------------------------

  /** OpenAI-compatible chat-completions endpoint (OpenAI, DeepSeek, a local server); the trained model classifies without it. */
  @IsOptional() @IsString() LLM_BASE_URL?: string;
  @IsOptional() @IsString() LLM_API_KEY?: string;
  @IsString() LLM_MODEL = 'gpt-4o-mini';
  /** An LLM answer slower than this is a failed decision and the trained model answers instead. */
  @Transform(toInt) @IsInt() @Min(100) @Max(120000) LLM_TIMEOUT_MS = 8000;
  /** How often the signal service looks for llm_traders whose cycle is due (0: only cycles asked for over HTTP). */
  @Transform(toInt) @IsInt() @Min(0) @Max(3600000) TRADER_TICK_MS = 5000;
  /** Model prices for llm_token_usage.cost_usd, JSON {"model": {"prompt": "0.27", "completion": "1.10"}} in USD per 1M tokens. */
  @IsOptional() @IsString() LLM_PRICES?: string;
  /** Minimum confidence for Agent What to emit a signal. */
  @IsNumberString() SIGNAL_CONFIDENCE_THRESHOLD = '0.6';
  /** How often every ACTIVE agent's sources are re-read for signals (0 = only on ingest). */
  @Transform(toInt) @IsInt() @Min(0) SIGNAL_GENERATE_INTERVAL_MS = 300000;
  /** X API v2 poller of followed accounts: off without a bearer token. */
  @IsOptional() @IsString() X_BEARER_TOKEN?: string;
  @IsString() X_API_URL = 'https://api.x.com';
  @Transform(toInt) @IsInt() @Min(0) X_POLL_INTERVAL_MS = 60000;
  /** Watched wallets are read from Hyperliquid's info API (HYPERLIQUID_API_URL) this often (0: only polls asked for). */
  @Transform(toInt) @IsInt() @Min(0) WALLET_POLL_INTERVAL_MS = 60000;
  /** Every recently traded asset's bias is recomputed this often, besides after each analysed event (0: only then). */
  @Transform(toInt) @IsInt() @Min(0) WALLET_BIAS_INTERVAL_MS = 300000;
  /** Request weight per minute the wallet poller may spend on one IP (Hyperliquid allows 1,200). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1200) HYPERLIQUID_INFO_WEIGHT_PER_MIN = 1200;
  /** |bias| an agent following wallets needs before it signals, when the agent sets none (wallet_bias_threshold). */
  @IsNumberString() WALLET_BIAS_THRESHOLD = '0.3';
  /** The bias timeframe (half-life, credibility window) an agent's followed wallets are read on; docs/WALLETS.md "Signals". */
  @IsIn(['1h', '4h', '24h']) WALLET_SIGNAL_TIMEFRAME: '1h' | '4h' | '24h' = '4h';
  /** Notifications (docs/NOTIFICATIONS.md): how often the notifier sweeps (new notifications, due retries); 0 = off. */
  @Transform(toInt) @IsInt() @Min(0) NOTIFY_SWEEP_MS = 1000;
  /** Sends per delivery before it is failed, and the base of the exponential backoff between them. */
  @Transform(toInt) @IsInt() @Min(1) @Max(20) NOTIFY_MAX_ATTEMPTS = 5;
  @Transform(toInt) @IsInt() @Min(1) NOTIFY_BACKOFF_MS = 5000;
  /** A delivery still `sending` this long after its claim was interrupted (a crash): failed, never sent again. */
  @Transform(toInt) @IsInt() @Min(1000) NOTIFY_SENDING_TIMEOUT_MS = 120000;
  /** Time allowed to one webhook, Telegram or SMTP send. */
  @Transform(toInt) @IsInt() @Min(100) NOTIFY_SEND_TIMEOUT_MS = 10000;
  /**
   * Webhook URLs may point at loopback, private, link-local and other non-public addresses (the SSRF guard off): only
   * for tests and a trusted local setup whose receivers listen there. Off: refused when set (gateway) and at each send
   * (notifier, which connects only to the address it checked).
   */
  @Transform(toBool) @IsBoolean() NOTIFY_WEBHOOK_ALLOW_PRIVATE = false;
  /** Telegram Bot API: base URL (a local server in tests) and the bot token; no token, no Telegram deliveries. */
  @IsString() TELEGRAM_API_URL = 'https://api.telegram.org';
  @IsOptional() @IsString() TELEGRAM_BOT_TOKEN?: string;
  /** Email: the SMTP server (smtp://user:pass@host:port, smtps:// for TLS) and the sender; no SMTP_URL, no email. */
  @IsOptional() @IsString() SMTP_URL?: string;
  @IsString() NOTIFY_EMAIL_FROM = 'Conduit <notifications@conduit.invalid>';
}

/** Settings without a default (not own properties of a fresh Env). */
const OPTIONAL_SETTINGS = [
  'HOST',
  'TRUST_PROXY',
  'MASTER_KEY',
  'HYPERLIQUID_API_URL',
  'HYPERLIQUID_BUILDER_ADDRESS',
  'OSTIUM_RPC_URL',
  'OSTIUM_TRADING_ADDRESS',
  'OSTIUM_STORAGE_ADDRESS',
  'OSTIUM_USDC_ADDRESS',
  'OSTIUM_CHAIN_ID',
  'GMX_RPC_URL',
  'GMX_CHAIN_ID',
  'GMX_CONTRACTS',
  'GMX_EXECUTION_FEE_WEI',
  'GMX_REFERRAL_CODE',
  'SPOT_RPC_URL',
  'SPOT_CHAIN_ID',
  'SPOT_CONTRACTS',
  'LLM_BASE_URL',
  'LLM_API_KEY',
  'X_BEARER_TOKEN',
  'BILLING_TREASURY_ADDRESS',
  'AUTH_TOKEN_SECRET',
  'TELEGRAM_BOT_TOKEN',
  'SMTP_URL',
] as const;

/** Names of settings whose values are secrets: never printed, never echoed in errors. */
export const SECRET_SETTINGS = [
  'MASTER_KEY',
  'ADMIN_PASSWORD',
  'LLM_API_KEY',
  'X_BEARER_TOKEN',
  'AUTH_TOKEN_SECRET',
  'TELEGRAM_BOT_TOKEN',
  'SMTP_URL',
] as const;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parse and validate an environment; throws naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const defaults = new Env();
  const raw: Record<string, unknown> = {};
  for (const key of [...Object.keys(defaults), ...OPTIONAL_SETTINGS] as (keyof Env)[]) {
    // An empty variable (`PORT=` in a .env or compose file) means unset: the default applies.
    if (source[key] !== undefined && source[key] !== '') raw[key] = source[key];
  }
  const env = plainToInstance(Env, { ...defaults, ...raw });
  const errors = validateSync(env, { whitelist: false });
  if (errors.length) {
    // class-validator messages name the property, never its value, so a bad secret is not echoed.
    const detail = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`).join('; ');
    throw new ConfigError(`invalid environment: ${detail}`);
  }
  if (env.LIVE_TRADING && !env.MASTER_KEY) throw new ConfigError('invalid environment: LIVE_TRADING requires MASTER_KEY');
  try {
    trustProxySetting(env.TRUST_PROXY);
  } catch (e) {
    throw new ConfigError(`invalid environment: ${(e as Error).message}`);
  }
  return env;
}
