import { randomBytes, randomUUID } from 'crypto';
import { INestApplication } from '@nestjs/common';
import { isAddress, Wallet } from 'ethers';
import { Client } from 'pg';
import { Env } from '@conduit/config';
import { QueueName } from '@conduit/queue';
import {
  adminAuth,
  cleanupRedis,
  createTestDatabase,
  http,
  insertAgent,
  insertDeployment,
  proofOfIntent,
  signInMessage,
  startHttpApp,
  TEST_WALLET,
  TestDatabase,
  testEnv,
  testQueues,
  WalletClient,
} from '@conduit/testing';
import { configureGateway, GatewayAppModule } from '../apps/gateway/src/app.module';

/**
 * The bad-input battery (issue 6). Every operation of the OpenAPI document has an entry in OPERATIONS below (the
 * first test fails when one is missing, so a new endpoint must join); from each entry the battery sends missing
 * and wrongly typed fields, out-of-range numbers, unknown enums, malformed UUIDs, wallets, dates and query
 * parameters, unknown extra fields, oversized and malformed bodies, unknown ids, and the same valid request twice.
 * Each bad request must answer its 4xx (never a 5xx) with a message naming the field, and leave every table of the
 * public schema (audit_logs included) and every queue exactly as it was. Only the gateway runs: no worker, so a
 * request that got through would show as a queued job.
 */

// ---- what a bad value looks like ------------------------------------------------------------------------------

/** A JSON type a field accepts; `decimal` is a number or a decimal string. */
type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'decimal';

/** Values of every other JSON type: each is refused, naming the field. */
const WRONG_TYPES: Record<JsonType, unknown[]> = {
  string: [42, true, { a: 1 }, ['x'], null],
  number: ['0.5', true, { a: 1 }, [1], null],
  integer: ['3', 2.5, true, { a: 1 }, [1], null],
  boolean: ['true', 1, { a: 1 }, [true], null],
  object: ['x', 42, true, [{}], null],
  array: ['x', 42, true, { 0: 'x' }, null],
  decimal: [true, { a: 1 }, ['1'], null],
};

/** A bad value whose message names another path than the field's own (a nested field, a related field). */
class Named {
  constructor(
    readonly names: string[],
    readonly value: unknown,
  ) {}
}
const named = (names: string | string[], value: unknown) => new Named([names].flat(), value);

interface Field {
  type: JsonType;
  required?: boolean;
  /** Wrong values of the right type: out of range, unknown enum, malformed format. */
  bad?: unknown[];
  /** Replaces WRONG_TYPES[type] where the domain rule itself reads null as "absent" (risk model fractions). */
  wrong?: unknown[];
  /** The field holds the id of another entity: an unknown one answers 404 naming it. */
  unknown?: string;
}

const SOME_UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
const BAD_UUIDS = ['not-a-uuid', '1234', SOME_UUID.slice(0, -1), `${SOME_UUID}0`, 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', ''];
/** Mixed case with a broken EIP-55 checksum: the first letter's case flipped. */
const BAD_CHECKSUM = TEST_WALLET.address.replace(/[a-fA-F]/, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
const BAD_WALLETS = [BAD_CHECKSUM, '0x123', `0x${'g'.repeat(40)}`, `0x${'a'.repeat(42)}`, 'not-a-wallet', ''];
const BAD_DATES = [
  'yesterday',
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T25:00:00Z',
  '2026-01-01T::Z',
  '0000-01-01T00:00:00Z',
  '2026-01-01T00:00:00+23:00',
];
const BAD_SYMBOLS = ['', 'ETH$', 'ETH USD', 'X'.repeat(21)];

const uuid = (required = true, unknown?: string): Field => ({ type: 'string', required, bad: BAD_UUIDS, unknown });
const wallet = (required = true): Field => ({ type: 'string', required, bad: BAD_WALLETS });
const oneOf = (bad: unknown[], required = true): Field => ({ type: 'string', required, bad });
const text = (bad: unknown[], required = true): Field => ({ type: 'string', required, bad });

/** Bad values of a nested policy (agents/create, agents/deploy), each naming its path. */
const BAD_POLICIES = [
  named('policy.max_leverage', { max_leverage: 0 }),
  named('policy.max_leverage', { max_leverage: 1000 }),
  named('policy.min_confidence', { min_confidence: 1.5 }),
  named('policy.max_position_pct', { max_position_pct: -5 }),
  named('policy.enabled_venues', { enabled_venues: ['BINANCE'] }),
  named('policy.max_leverage', { max_leverage: null }),
  named('policy has unknown field(s): bogus', { bogus: 1 }),
];

/** Every field of a policy body (PUT agents/:id/policy and deployments/:id/policy). */
const POLICY_FIELDS: Record<string, Field> = {
  risk_tolerance: oneOf(['EXTREME', 'low', ''], false),
  max_leverage: { type: 'integer', bad: [0, 1000, -1, 1e308] },
  max_position_pct: { type: 'decimal', bad: [0, -5, 101, '0', '-1', 'NaN', 'Infinity', '1e2', '', 'abc'] },
  min_confidence: { type: 'number', bad: [1.5, -0.1] },
  allowed_tokens: { type: 'array', bad: [['ETH$'], [42], Array(501).fill('ETH')] },
  denied_tokens: { type: 'array', bad: [['ETH$'], [null]] },
  max_open_positions: { type: 'integer', bad: [-1, 10_001, 1.5] },
  max_daily_loss_usd: { type: 'decimal', bad: [0, -100, '-1', 'NaN', '', '1e3'] },
  cooldown: { type: 'object', bad: [{}, named('cooldown has unknown field(s): x', { after_losses: 3, minutes: 60, x: 1 })] },
  'cooldown.after_losses': { type: 'integer', required: true, bad: [0, 1001, 1.5] },
  'cooldown.minutes': { type: 'integer', required: true, bad: [0, 525_601] },
  enabled_venues: { type: 'array', bad: [[], ['BINANCE'], [42]] },
  kill_switch: { type: 'boolean' },
};
const POLICY = {
  risk_tolerance: 'MEDIUM',
  max_leverage: 3,
  max_position_pct: 10,
  min_confidence: 0.5,
  allowed_tokens: ['ETH', 'BTC'],
  denied_tokens: ['DOGE'],
  max_open_positions: 5,
  max_daily_loss_usd: '500',
  cooldown: { after_losses: 3, minutes: 60 },
  enabled_venues: ['HYPERLIQUID'],
  kill_switch: false,
};

const PAGE = {
  limit: ['0', '-1', '501', '100000', 'abc', '1.5', '', '1e2', '0x10', ['1', '2']],
  offset: ['-1', 'abc', '0.5', '', '100000000000000000000'],
};

// ---- the operations ---------------------------------------------------------------------------------------------

/** Rows the valid requests point at; fresh ones for each duplicated request. */
interface Fixtures {
  agent: string; // ACTIVE, created by TEST_WALLET (the creator), deployed by the subscriber
  idleAgent: string; // ACTIVE, not deployed
  trader: string; // an ACTIVE llm_trader of the creator
  deployment: string; // the subscriber's, ACTIVE, paper
  signal: string; // PENDING, of agent
  position: string; // OPEN, of deployment and signal
  bill: string; // PENDING profit share of deployment, with a usdSend to sign
  account: string; // a CT account
  wallet: string; // a watched wallet (seed 003)
  event: string; // an analysed event of wallet
}

/** `fresh`: a wallet signed in for this one request (signing out must not end the others' tokens). */
type Who = 'creator' | 'subscriber' | 'admin' | 'fresh';
type Body = Record<string, unknown>;
type Build<T> = (f: Fixtures) => T | Promise<T>;

interface Operation {
  /** The credential sent (every mutating call needs one; the admin's routes need it for reads too). */
  who?: Who;
  /** The path's {id}: the fixture of a valid one and the noun a 404 for an unknown one names. */
  id?: { of: keyof Fixtures; noun: string };
  /** Query parameter → bad values (an array value sends the parameter repeated). */
  query?: Record<string, unknown[]>;
  /** Header → bad values. */
  headers?: Record<string, string[]>;
  /** A valid body. */
  body?: Build<Body>;
  /** Body fields by path (`posts.0.tweet_id`); the top-level ones must be exactly the document's. */
  fields?: Record<string, Field>;
  /** Further cases: a whole body, the status and what the message names. */
  cases?: { name: string; body: Build<unknown>; status: number; names: string[] }[];
  /** The same valid request twice, on fresh fixtures: setup first, the body built once, the second answer's status. */
  repeat?: { setup?: (f: Fixtures) => Promise<unknown>; headers?: Record<string, string>; second?: number };
}

const signIn = async (api: string, wallet: { address: string; signMessage(m: string): Promise<string> }) => {
  const nonce = (await http('GET', `${api}/api/v3/auth/nonce`)).body.nonce;
  const message = signInMessage(api, wallet.address, nonce);
  return { message, signature: await wallet.signMessage(message) };
};
const createAgent = async (name = 'Battery agent', timestamp?: string) => ({
  creator_wallet: TEST_WALLET.address.toLowerCase(),
  name,
  venue: 'MULTI',
  x_account_ids: ['123456789'],
  research_institute_ids: ['Delphi Digital'],
  weights: { x: 1, research: 0 },
  profit_receiver_address: TEST_WALLET.address.toLowerCase(),
  policy: { max_leverage: 5 },
  ...(await proofOfIntent(TEST_WALLET, TEST_WALLET.address.toLowerCase(), name, timestamp)),
});
const signal = (f: Fixtures) => ({
  agent_id: f.agent,
  token_symbol: 'ETH',
  side: 'LONG',
  size_model: { type: 'percentage', value: 25, leverage: 2 },
  risk_model: { type: 'trailing-stop', stop: 0.03, take_profit: 0.1, activation: 0.02 },
  confidence: 0.85,
  source_tweets: ['1850000000000000001'],
  source_research: ['note-1'],
});
const digits = (n: number) => Array.from(randomBytes(n), (b) => b % 10).join('');
const post = () => ({
  tweet_id: `9${digits(17)}`,
  x_username: 'batterycaller',
  x_user_id: '777000111',
  text: '$ETH breaking out',
  created_at: '2026-01-02T03:04:05Z',
});
const note = () => ({
  institute: 'Battery Research',
  source_id: `note-${randomUUID()}`,
  token_symbol: 'ETH',
  side: 'LONG',
  leverage: 3,
  confidence: 0.7,
  text: 'ETH looks strong',
  signal_time: '2026-01-02T03:04:05Z',
});
const window6h = () => ({
  token_symbol: 'ETH',
  window_start: '2026-01-02T06:00:00Z',
  indicators: { volatility_24h: 0.035, ret_6h: 0.012 },
});
const signature = { r: `0x${'1'.repeat(64)}`, s: `0x${'2'.repeat(64)}`, v: 27 };
const sealedKeyFields = (prefix: string): Record<string, Field> => ({
  [`${prefix}_agent_address`]: text([named(`${prefix}_agent_address`, '0x123'), 'x'.repeat(129)], false),
  [`${prefix}_agent_key_encrypted`]: text([named(`${prefix}_agent_address`, '...'), 'x'.repeat(4097)], false),
  [`${prefix}_agent_key_iv`]: text([named(`${prefix}_agent_address`, '...'), 'x'.repeat(257)], false),
  [`${prefix}_agent_key_tag`]: text([named(`${prefix}_agent_address`, '...'), 'x'.repeat(257)], false),
});
const AGENT = { of: 'agent', noun: 'agent' } as const;
const TRADER = { of: 'trader', noun: 'agent' } as const;
const WALLET = { of: 'wallet', noun: 'wallet' } as const;
const WALLET_TAGS: Field = { type: 'array', bad: [['Bad Tag'], [42], Array(21).fill('whale'), ['x'.repeat(41)]] };
/** An llm_trader's settings (seed 004's trading_agents): on a signal agent each is refused naming it too. */
const TRADER_FIELDS: Record<string, Field> = {
  llm_model: text(['', 'x'.repeat(51), 'two words'], false),
  exchange_account: text(['', 'x'.repeat(51)], false),
  initial_balance: { type: 'decimal', bad: ['0', '-5', 'abc', '1.001', 1e13] },
  max_position_size: { type: 'decimal', bad: ['0', '100.01', -1] },
  max_leverage: { type: 'integer', bad: [0, 51] },
  stop_loss_pct: { type: 'decimal', bad: ['0', '100'] },
  take_profit_pct: { type: 'decimal', bad: ['0', '1000.01'] },
  strategy_description: { type: 'string', wrong: [42, true, { a: 1 }, ['x']], bad: ['x'.repeat(4001)] },
  coins: { type: 'array', bad: [[], ['ETH$'], [42], Array(51).fill('ETH')] },
  cycle_interval_seconds: { type: 'integer', bad: [9, 86401] },
};
/** What a signal agent follows (issue 14): an unknown wallet id is refused naming wallet_ids, an unwatched address is not. */
const FOLLOWING_FIELDS: Record<string, Field> = {
  wallet_ids: {
    type: 'array',
    bad: [['0x123'], [42], [BAD_CHECKSUM], ['not-a-uuid'], Array(101).fill(`0x${'ab'.repeat(20)}`), named('wallet_ids', [SOME_UUID])],
  },
  wallet_top_n: { type: 'integer', bad: [0, 101, -1] },
  wallet_bias_threshold: { type: 'decimal', bad: [0, '0', 1.5, '1.001', '0.1234', -0.1, 'abc', '', 'NaN', '1e-1'] },
};
const DEPLOYMENT = { of: 'deployment', noun: 'deployment' } as const;
const SIGNAL = { of: 'signal', noun: 'signal' } as const;

/** Every operation of the OpenAPI document, by method and path. */
const OPERATIONS: Record<string, Operation> = {
  'GET /health': {},
  'GET /api/v3/auth/nonce': {},
  'POST /api/v3/auth/verify': {
    body: () => signIn(API(), Wallet.createRandom()),
    fields: {
      message: text([named('message', ''), named('message', 'hello'), 'x'.repeat(4001)]),
      signature: text(['0x', '0x1234', `0x${'z'.repeat(130)}`, `0x${'ab'.repeat(66)}`, 'ab'.repeat(65)]),
    },
    repeat: { second: 401 }, // a sign-in message is single use: the replay is refused
  },
  'POST /api/v3/auth/logout': { who: 'fresh' },

  // agents
  'POST /api/v3/agents/create': {
    who: 'creator',
    body: () => createAgent(),
    fields: {
      creator_wallet: wallet(),
      name: text(['', 'x'.repeat(101)]),
      venue: oneOf(['BINANCE', 'multi', ''], false),
      x_account_ids: { type: 'array', bad: [[''], [42], ['x'.repeat(65)], Array(201).fill('1')] },
      research_institute_ids: { type: 'array', bad: [[''], [null], Array(201).fill('1')] },
      weights: { type: 'object', bad: [named('weights.x', { x: 2 }), named('weights.x', { x: -1 }), named('weights.x', { x: '1' })] },
      profit_receiver_address: wallet(),
      proof_of_intent_message: text(['x'.repeat(4001), 'not the message']),
      proof_of_intent_signature: text(['0x1234', `0x${'zz'.repeat(65)}`, `0x${'00'.repeat(65)}`]),
      proof_of_intent_timestamp: text(['yesterday', '2026-01-01', '2026-13-01T00:00:00Z']),
      policy: { type: 'object', bad: BAD_POLICIES },
      kind: oneOf(['LLM_TRADER', 'robot', ''], false),
      ...TRADER_FIELDS,
      ...FOLLOWING_FIELDS,
    },
    cases: [
      {
        name: 'an llm_trader without its model and balance',
        body: async () => ({ ...(await createAgent('Battery trader 2')), kind: 'llm_trader' }),
        status: 400,
        names: ['llm_model', 'initial_balance'],
      },
      {
        name: 'an llm_trader trading a coin no venue lists',
        body: async () => ({
          ...(await createAgent('Battery trader 3')),
          kind: 'llm_trader',
          llm_model: 'rules:momentum',
          initial_balance: '1000',
          coins: ['ETH', 'NOPECOIN'],
        }),
        status: 400,
        names: ['coins', 'NOPECOIN'],
      },
      {
        name: 'a stale proof of intent',
        body: () => createAgent('Stale', '2020-01-01T00:00:00Z'),
        status: 400,
        names: ['proof_of_intent_timestamp'],
      },
      {
        name: 'a proof of intent from the future',
        body: () => createAgent('Future', '2999-01-01T00:00:00Z'),
        status: 400,
        names: ['proof_of_intent_timestamp'],
      },
      {
        name: 'a proof of intent on 30 February',
        body: () => createAgent('Feb', '2026-02-30T00:00:00Z'),
        status: 400,
        names: ['proof_of_intent_timestamp'],
      },
      {
        name: 'a proof of intent signed by another wallet',
        body: async () => ({
          ...(await createAgent()),
          proof_of_intent_signature: (await proofOfIntent(Wallet.createRandom(), TEST_WALLET.address.toLowerCase(), 'Battery agent'))
            .proof_of_intent_signature,
        }),
        status: 400,
        names: ['proof_of_intent_signature'],
      },
    ],
  },
  'GET /api/v3/agents/list': { query: { ...PAGE, status: ['BOGUS', 'active', ''], creator_wallet: BAD_WALLETS } },
  'GET /api/v3/agents/{id}': { id: AGENT },
  'POST /api/v3/agents/{id}/activate': {
    who: 'creator',
    id: AGENT,
    repeat: { setup: (f) => pg.query(`UPDATE agents_v3 SET status = 'DRAFT' WHERE id = $1`, [f.agent]) },
  },
  'POST /api/v3/agents/{id}/pause': { who: 'creator', id: AGENT },
  'PATCH /api/v3/agents/{id}': {
    who: 'creator',
    id: TRADER,
    body: () => ({ max_leverage: 5, stop_loss_pct: '2.5' }),
    // on an llm_trader a signal agent's fields are refused naming them, whatever their value
    fields: {
      ...TRADER_FIELDS,
      ...FOLLOWING_FIELDS,
      weights: { type: 'object', bad: [named('weights.x', { x: 2 }), { wallets: 0.5 }] },
    },
  },
  'POST /api/v3/agents/{id}/cycle': {
    who: 'creator',
    id: TRADER,
    headers: { 'idempotency-key': ['has space', 'x'.repeat(201)] },
    repeat: { headers: { 'idempotency-key': `battery-${randomUUID()}` } },
  },
  'POST /api/v3/agents/{id}/stop': { who: 'creator', id: AGENT },
  'POST /api/v3/agents/deploy': {
    who: 'subscriber',
    body: (f) => ({ agent_id: f.idleAgent, user_wallet: SUBSCRIBER().address, trading_mode: 'paper', policy: { max_leverage: 2 } }),
    fields: {
      agent_id: uuid(true, 'agent'),
      user_wallet: wallet(),
      safe_wallet: wallet(false),
      trading_mode: oneOf(['LIVE', 'demo', ''], false),
      policy: { type: 'object', bad: BAD_POLICIES },
      ...sealedKeyFields('hyperliquid'),
      ...sealedKeyFields('ostium'),
    },
    cases: [
      {
        name: 'a sealed agent key that does not decrypt',
        body: (f) => ({
          agent_id: f.idleAgent,
          user_wallet: SUBSCRIBER().address,
          hyperliquid_agent_address: `0x${'ab'.repeat(20)}`,
          hyperliquid_agent_key_encrypted: 'AAAA',
          hyperliquid_agent_key_iv: 'AAAA',
          hyperliquid_agent_key_tag: 'AAAA',
        }),
        status: 400,
        names: ['hyperliquid_agent_key_encrypted'],
      },
    ],
  },
  'GET /api/v3/deployments/{id}/agent-wallets': { id: DEPLOYMENT },
  'POST /api/v3/deployments/{id}/trading-mode': {
    who: 'subscriber',
    id: DEPLOYMENT,
    body: () => ({ trading_mode: 'paper' }),
    fields: { trading_mode: oneOf(['LIVE', 'demo', '', 'paper ']) },
    repeat: { setup: (f) => pg.query(`UPDATE agent_deployments_v3 SET trading_mode = 'live' WHERE id = $1`, [f.deployment]) },
  },
  'GET /api/v3/deployments': { query: { ...PAGE, agent_id: BAD_UUIDS, user_wallet: BAD_WALLETS } },
  'GET /api/v3/deployments/{id}': { id: DEPLOYMENT },
  'POST /api/v3/deployments/{id}/pause': { who: 'subscriber', id: DEPLOYMENT },
  'POST /api/v3/deployments/{id}/activate': {
    who: 'subscriber',
    id: DEPLOYMENT,
    repeat: { setup: (f) => pg.query(`UPDATE agent_deployments_v3 SET status = 'PAUSED' WHERE id = $1`, [f.deployment]) },
  },
  'POST /api/v3/deployments/{id}/stop': { who: 'subscriber', id: DEPLOYMENT },

  // trading
  'POST /api/v3/signals/generate': {
    who: 'creator',
    body: signal,
    headers: { 'idempotency-key': ['has space', 'x'.repeat(201)] },
    fields: {
      agent_id: uuid(true, 'agent'),
      token_symbol: text(BAD_SYMBOLS),
      side: oneOf(['UP', 'BUY', '']),
      size_model: {
        type: 'object',
        required: true,
        bad: [named('size_model has unknown field(s): lev', { type: 'percentage', value: 10, lev: 3 })],
      },
      'size_model.type': oneOf(['bogus', 'PERCENTAGE']),
      'size_model.value': { type: 'decimal', required: true, bad: [-5, 0, 101, '-1', 'NaN', 'Infinity', '1e3', '', '0x10'] },
      'size_model.leverage': { type: 'integer', bad: [0, 1000, -1] },
      risk_model: {
        type: 'object',
        required: true,
        bad: [named('risk_model has unknown field(s): trail', { type: 'trailing-stop', stop: 0.03, trail: 1 })],
      },
      'risk_model.type': oneOf(['bogus', 'TRAILING']),
      'risk_model.stop': { type: 'decimal', required: true, bad: [0, -0.1, 1, 1.5, 'NaN'] },
      'risk_model.take_profit': { type: 'decimal', wrong: [true, { a: 1 }, ['1'], 'abc'], bad: [0, -1, 100, 150] },
      'risk_model.activation': { type: 'decimal', wrong: [true, { a: 1 }, ['1'], 'abc'], bad: [0, 100] },
      confidence: { type: 'number', bad: [1.5, -0.1, 1e308] },
      source_tweets: { type: 'array', bad: [[42], Array(101).fill('1')] },
      source_research: { type: 'array', bad: [[{}], Array(101).fill('1')] },
    },
    cases: [
      {
        name: 'a huge fixed-usd size',
        body: (f) => ({ ...signal(f), size_model: { type: 'fixed-usd', value: 1e300 } }),
        status: 400,
        names: ['size_model.value'],
      },
      {
        name: 'numbers beyond the range of a double (raw JSON 1e999)',
        body: (f) => JSON.stringify(signal(f)).replace('"confidence":0.85', '"confidence":1e999').replace('"value":25', '"value":1e999'),
        status: 400,
        names: ['confidence', 'size_model.value'],
      },
      {
        name: 'a SHORT whose take profit is 100% or more',
        body: (f) => ({ ...signal(f), side: 'SHORT', risk_model: { type: 'fixed', stop: 0.03, take_profit: 1.5 } }),
        status: 400,
        names: ['risk_model.take_profit'],
      },
    ],
    repeat: { headers: { 'idempotency-key': `battery-${randomUUID()}` } },
  },
  'GET /api/v3/signals/{id}': { id: SIGNAL },
  'POST /api/v3/execute/trade': { who: 'creator', body: (f) => ({ signal_id: f.signal }), fields: { signal_id: uuid(true, 'signal') } },
  'GET /api/v3/positions': {
    query: { ...PAGE, deployment_id: BAD_UUIDS, agent_id: BAD_UUIDS, signal_id: BAD_UUIDS, status: ['open', 'PENDING', ''] },
  },
  'GET /api/v3/positions/{id}': { id: { of: 'position', noun: 'position' } },
  'POST /api/v3/positions/{id}/close': {
    who: 'subscriber',
    id: { of: 'position', noun: 'position' },
    body: () => ({ reason: 'MANUAL' }),
    fields: { reason: text(['', 'x'.repeat(65), 'LIQUIDATION'], false) },
  },

  // Agent What: sources
  'POST /api/v3/ct/posts': {
    who: 'admin',
    body: () => ({ posts: [post()] }),
    fields: {
      posts: { type: 'array', required: true, bad: [[], Array(101).fill(post()), named('posts', [null]), named('posts', ['x'])] },
      'posts.0.tweet_id': text(['', 'abc', '1'.repeat(26), '-1']),
      'posts.0.x_username': text(['', 'way_too_long_handle', 'bad-handle']),
      'posts.0.x_user_id': text(['', 'abc'], false),
      'posts.0.text': text(['', 'x'.repeat(10_001)]),
      'posts.0.created_at': text(['', ...BAD_DATES], false),
    },
    cases: [
      {
        name: 'the same post twice in one batch',
        body: () => {
          const p = post();
          return { posts: [p, { ...p, text: 'edited' }] };
        },
        status: 400,
        names: ['posts'],
      },
      {
        name: "a post whose x_user_id is another handle's",
        body: () => ({ posts: [{ ...post(), x_username: 'someoneelse', x_user_id: '424242' }] }),
        status: 409,
        names: ['x_user_id'],
      },
    ],
  },
  'GET /api/v3/ct/accounts': {},
  'GET /api/v3/ct/accounts/{id}/impact-history': { id: { of: 'account', noun: 'ct account' } },
  'POST /api/v3/research/notes': {
    who: 'admin',
    body: () => ({ notes: [note()] }),
    fields: {
      notes: { type: 'array', required: true, bad: [[], Array(101).fill(note()), named('notes', [null])] },
      'notes.0.institute': text(['', 'x'.repeat(101)]),
      'notes.0.source_id': text(['', 'x'.repeat(129)]),
      'notes.0.token_symbol': text(BAD_SYMBOLS),
      'notes.0.side': oneOf(['UP', '']),
      'notes.0.leverage': { type: 'integer', bad: [0, 1000, -1] },
      'notes.0.confidence': { type: 'number', bad: [1.5, -0.1] },
      'notes.0.text': text(['x'.repeat(20_001)], false),
      'notes.0.signal_time': text(['', ...BAD_DATES], false),
    },
    cases: [
      {
        name: 'the same note twice in one batch',
        body: () => {
          const n = note();
          return { notes: [n, { ...n, text: 'again' }] };
        },
        status: 400,
        names: ['notes'],
      },
    ],
  },
  'POST /api/v3/market/indicators': {
    who: 'admin',
    body: () => ({ windows: [window6h()] }),
    fields: {
      windows: { type: 'array', required: true, bad: [[], Array(501).fill(window6h()), named('windows', [null])] },
      'windows.0.token_symbol': text(BAD_SYMBOLS),
      'windows.0.window_start': text([
        '2026-01-02T03:00:00Z',
        '2026-02-30T00:00:00Z',
        '2026-13-01T00:00:00Z',
        '0000-01-01T00:00:00Z',
        '2026-01-02T06:00:00+01:00',
        'yesterday',
      ]),
      'windows.0.indicators': {
        type: 'object',
        required: true,
        bad: [
          named('windows.0.indicators.rsi', { rsi: 'x' }),
          named('windows.0.indicators.rsi', { rsi: null }),
          Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`i${i}`, i])),
        ],
      },
    },
    cases: [
      {
        name: 'the same window twice in one batch',
        body: () => ({ windows: [window6h(), { ...window6h(), window_start: '2026-01-02T06:00Z' }] }),
        status: 400,
        names: ['windows'],
      },
    ],
  },
  'GET /api/v3/agents/{id}/decisions': {
    id: AGENT,
    query: {
      ...PAGE,
      status: ['SUCCESS', 'bogus', ''],
      action: ['BUY', ''],
      coin: ['ETH$', 'x'.repeat(21), ''],
      source_type: ['tweet', ''],
    },
  },

  // Agent How / Where
  'PUT /api/v3/agents/{id}/policy': { who: 'creator', id: AGENT, body: () => POLICY, fields: POLICY_FIELDS },
  'GET /api/v3/deployments/{id}/policy': { id: DEPLOYMENT },
  'PUT /api/v3/deployments/{id}/policy': { who: 'subscriber', id: DEPLOYMENT, body: () => POLICY, fields: POLICY_FIELDS },
  'POST /api/v3/deployments/{id}/kill-switch': {
    who: 'subscriber',
    id: DEPLOYMENT,
    body: () => ({ enabled: true }),
    fields: { enabled: { type: 'boolean', required: true } },
  },
  'GET /api/v3/deployments/{id}/decisions': { id: DEPLOYMENT, query: { ...PAGE, decision: ['trade', 'BOGUS', ''] } },
  'GET /api/v3/signals/{id}/decisions': { id: SIGNAL },
  'GET /api/v3/agents/{id}/routing-config': { id: AGENT },
  'PUT /api/v3/agents/{id}/routing-config': {
    who: 'creator',
    id: AGENT,
    body: () => ({ venue_priority: ['HYPERLIQUID', 'OSTIUM'], routing_strategy: 'LOWEST_FEES', failover_enabled: true }),
    fields: {
      venue_priority: {
        type: 'array',
        required: true,
        bad: [[], ['BINANCE'], ['HYPERLIQUID', 'HYPERLIQUID'], [42], ['HYPERLIQUID', 'OSTIUM', 'GMX', 'SPOT', 'HYPERLIQUID']],
      },
      routing_strategy: oneOf(['FASTEST', 'lowest_fees', ''], false),
      failover_enabled: { type: 'boolean' },
    },
  },

  // stats and billing
  'GET /api/v3/stats/overview': {},
  'GET /api/v3/stats/routing-history': {
    query: {
      ...PAGE,
      venue: ['BINANCE', ''],
      token_symbol: ['ETH$', ''],
      agent_id: BAD_UUIDS,
      from: ['', ...BAD_DATES, '2026-02-30'],
      to: ['', ...BAD_DATES, '2026-02-30'],
    },
  },
  'GET /api/v3/agents/{id}/performance': { id: AGENT },

  // LLM traders' records
  'GET /api/v3/agents/{id}/trades': { id: AGENT, query: { ...PAGE, status: ['OPEN', 'won', ''] } },
  'GET /api/v3/agents/{id}/performance/history': {
    id: AGENT,
    query: { ...PAGE, from: ['', ...BAD_DATES, '2026-02-30'], to: ['', ...BAD_DATES, '2026-02-30'] },
  },
  'GET /api/v3/agents/{id}/llm-usage': {
    id: AGENT,
    query: { from: ['', ...BAD_DATES, '2026-02-30'], to: ['', ...BAD_DATES, '2026-02-30'] },
  },
  'GET /api/v3/billing/events/{id}': { id: { of: 'bill', noun: 'billing event' } },

  // the smart-money watchlist (seed 003)
  'POST /api/v3/wallets': {
    who: 'admin',
    body: () => ({ address: `0x${randomBytes(20).toString('hex')}`, label: 'Battery whale', tags: ['whale', 'btc'] }),
    fields: { address: wallet(), label: text(['', 'x'.repeat(101)], false), tags: WALLET_TAGS },
  },
  'GET /api/v3/wallets': {
    query: { ...PAGE, active: ['yes', '1', ''], tag: ['Bad Tag', ''], sort: ['pnl', 'CREDIBILITY_4H', ''] },
  },
  'GET /api/v3/wallets/{id}': { id: WALLET },
  'PATCH /api/v3/wallets/{id}': {
    who: 'admin',
    id: WALLET,
    body: () => ({ label: 'Renamed whale', is_active: true }),
    fields: { is_active: { type: 'boolean' }, label: text(['', 'x'.repeat(101)], false), tags: WALLET_TAGS },
  },
  'GET /api/v3/wallets/{id}/events': { id: WALLET, query: { ...PAGE, event_type: ['OPEN', 'buy', ''], asset: ['', 'ETH$'] } },
  'GET /api/v3/bias': {
    query: {
      limit: PAGE.limit,
      asset: ['', 'ETH$', 'X'.repeat(21)],
      timeframe: ['1H', '2h', ''],
      from: ['', ...BAD_DATES, '2026-02-30'],
      to: ['', ...BAD_DATES, '2026-02-30'],
    },
  },
  'GET /api/v3/events/{id}/analysis': { id: { of: 'event', noun: 'event' } },
  'POST /api/v3/billing/events/{id}/signature': {
    who: 'subscriber',
    id: { of: 'bill', noun: 'billing event' },
    body: () => signature,
    fields: {
      r: text(['0x1234', `0x${'z'.repeat(64)}`, '1'.repeat(64), `0x${'1'.repeat(66)}`]),
      s: text(['0x1234', `0x${'z'.repeat(64)}`, '', `0x${'2'.repeat(63)}`]),
      v: { type: 'integer', required: true, bad: [0, 1, 29, -27] },
    },
  },
  'GET /api/v3/billing/events': {
    query: { ...PAGE, deployment_id: BAD_UUIDS, agent_id: BAD_UUIDS, creator_wallet: BAD_WALLETS, kind: ['subscription', 'BOGUS', ''] },
  },

  // admin
  'PUT /api/v3/admin/paper/marks': {
    who: 'admin',
    body: () => ({ venue: 'HYPERLIQUID', token_symbol: 'ETH', price: '1950.5' }),
    fields: {
      venue: oneOf(['BINANCE', 'hyperliquid', 'MULTI', '']),
      token_symbol: text(BAD_SYMBOLS),
      price: text(['0', '0.0', '-1', 'NaN', 'Infinity', '1e5', '', ' 1', '1.123456789', '9'.repeat(13)]),
    },
    cases: [
      {
        name: 'a market the venue does not list',
        body: () => ({ venue: 'HYPERLIQUID', token_symbol: 'ZZZZ', price: '1' }),
        status: 404,
        names: ['ZZZZ'],
      },
    ],
  },
  'GET /api/v3/admin/state': { who: 'admin' },
  'GET /api/v3/admin/audit': {
    who: 'admin',
    query: {
      ...PAGE,
      trace_id: ['short', 'has space in it', 'x'.repeat(129)],
      subject_type: ['', 'x'.repeat(51)],
      subject_id: BAD_UUIDS,
      event_name: ['', 'x'.repeat(101)],
    },
  },
};

// ---- cases from the table -------------------------------------------------------------------------------------

interface Case {
  name: string;
  /** Path params, query string, body (a string is sent as is) and extra headers. */
  request: (f: Fixtures) => Promise<{ id?: string; query?: string; body?: unknown; headers?: Record<string, string> }>;
  status: number;
  /** Texts the answer's message must contain. */
  names: string[];
}

const show = (v: unknown) => {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
};

const MISSING = Symbol('missing');
/** A deep copy of body with path (`a.0.b`) set to value, or removed. */
function patch(body: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, any>;
  const keys = path.split('.');
  const last = keys.pop()!;
  const parent = keys.reduce((o, k) => o[k], copy);
  if (value === MISSING) delete parent[last];
  else parent[last] = value;
  return copy;
}

const OVERSIZED = 'x'.repeat(70 * 1024);

function casesOf(key: string, op: Operation): Case[] {
  const [method, template] = key.split(' ');
  const cases: Case[] = [];
  const add = (name: string, status: number, names: Case['names'], request: Case['request']) =>
    cases.push({ name, status, names, request });
  const body = op.body ?? (() => undefined);

  if (method === 'GET') add('a valid request', 200, [], async () => ({}));

  if (template.includes('{id}')) {
    for (const id of BAD_UUIDS.filter(Boolean).concat("' OR '1'='1")) {
      add(`{id} = ${show(id)}`, 400, ['id must be a UUID'], async (f) => ({ id, body: await body(f) }));
    }
    const unknown = randomUUID();
    add('{id} unknown', 404, [op.id?.noun ?? 'the noun of OPERATIONS[key].id', unknown], async (f) => ({
      id: unknown,
      body: await body(f),
    }));
  }

  for (const [param, values] of Object.entries(op.query ?? {})) {
    for (const v of values) {
      const query = [v]
        .flat()
        .map((x) => `${param}=${encodeURIComponent(String(x))}`)
        .join('&');
      add(`?${query.slice(0, 40)}`, 400, [param], async () => ({ query }));
    }
  }
  if (op.query) add('an unknown query parameter', 400, ['bogus'], async () => ({ query: 'bogus=1' }));

  for (const [header, values] of Object.entries(op.headers ?? {})) {
    for (const v of values)
      add(`${header}: ${show(v)}`, 400, [header.replace(/(^|-)\w/g, (c) => c.toUpperCase())], async (f) => ({
        body: await body(f),
        headers: { [header]: v },
      }));
  }

  if (method !== 'GET') {
    add('malformed JSON', 400, [], async () => ({ body: '{"name": ' }));
    add('a body over 64 kB', 413, [], async (f) => ({ body: JSON.stringify({ ...((await body(f)) ?? {}), padding: OVERSIZED }) }));
  }

  if (op.body && op.fields) {
    const required = Object.entries(op.fields)
      .filter(([path, f]) => f.required && !path.includes('.'))
      .map(([path]) => path);
    if (required.length) {
      add('no body', 400, required, async () => ({}));
      add('an empty object', 400, required, async () => ({ body: {} }));
    }
    add('an array instead of an object', 400, [], async (f) => ({ body: [await body(f)] }));
    add('an unknown field', 400, ['is_admin'], async (f) => ({ body: { ...(await body(f)), is_admin: true } }));
    for (const item of new Set(Object.keys(op.fields).flatMap((p) => /^(\w+\.0)\./.exec(p)?.[1] ?? []))) {
      add(`an unknown field in ${item}`, 400, [`${item}.is_admin`], async (f) => ({
        body: patch(await body(f), `${item}.is_admin`, true),
      }));
    }
    for (const [path, field] of Object.entries(op.fields)) {
      if (field.required) add(`${path} missing`, 400, [path], async (f) => ({ body: patch(await body(f), path, MISSING) }));
      for (const v of field.wrong ?? WRONG_TYPES[field.type])
        add(`${path} = ${show(v)}`, 400, [path], async (f) => ({ body: patch(await body(f), path, v) }));
      for (const v of field.bad ?? []) {
        const [value, names] = v instanceof Named ? [v.value, v.names] : [v, [path]];
        add(`${path} = ${show(value)}`, 400, names, async (f) => ({ body: patch(await body(f), path, value) }));
      }
      if (field.unknown) {
        const unknown = randomUUID();
        add(`${path} unknown`, 404, [field.unknown, unknown], async (f) => ({ body: patch(await body(f), path, unknown) }));
      }
    }
  }
  for (const c of op.cases ?? []) add(c.name, c.status, c.names, async (f) => ({ body: await c.body(f) }));
  return cases;
}

// ---- the harness ----------------------------------------------------------------------------------------------

let db: TestDatabase;
let env: Env;
let gateway: INestApplication;
let api: string;
let pg: Client;
let queues: ReturnType<typeof testQueues>;
let creator: WalletClient;
let subscriber: WalletClient;
let auth: Record<Exclude<Who, 'fresh'>, Record<string, string>>;
let fixtures: Fixtures;
let snapshotSql: string;
const API = () => api;
const SUBSCRIBER = () => subscriber;

/** A full set of fixture rows (direct SQL: fixtures, not the API under test). */
async function makeFixtures(): Promise<Fixtures> {
  const agent = await insertAgent(pg);
  const idleAgent = await insertAgent(pg, { name: 'Idle agent' });
  const trader = await insertAgent(pg, { name: `Battery trader ${randomUUID()}`, kind: 'llm_trader' });
  await pg.query(
    `INSERT INTO trading_agents (id, llm_model, exchange_account, initial_balance) VALUES ($1, 'rules:momentum', 'paper', 1000)`,
    [trader],
  );
  const deployment = await insertDeployment(pg, agent, { user_wallet: subscriber.address });
  const one = async (sql: string, params: unknown[]) => (await pg.query(sql, params)).rows[0].id as string;
  const signalId = await one(
    `INSERT INTO signals_v3 (agent_id, token_symbol, side, size_model, risk_model, confidence)
     VALUES ($1, 'ETH', 'LONG', '{"type": "percentage", "value": 25}', '{"type": "trailing-stop", "stop": 0.03}', 0.85) RETURNING id`,
    [agent],
  );
  const position = await one(
    `INSERT INTO positions_v3 (deployment_id, signal_id, venue, token_symbol, side, qty, entry_price) VALUES ($1, $2, 'HYPERLIQUID', 'ETH',
      'LONG', 1, 2000) RETURNING id`,
    [deployment, signalId],
  );
  const bill = await one(
    `INSERT INTO billing_events_v3 (deployment_id, position_id, kind, amount, status, metadata)
     VALUES ($1, $2, 'PROFIT_SHARE', 10, 'PENDING', '{"usd_send": {"typedData": {}}}') RETURNING id`,
    [deployment, position],
  );
  const account = await one(`INSERT INTO ct_accounts (x_username, x_user_id) VALUES ($1, $2) RETURNING id`, [
    `b${randomBytes(6).toString('hex')}`,
    digits(12),
  ]);
  const wallet = await one(`INSERT INTO wallets (address, label, tags) VALUES ($1, 'Battery whale', '{whale}') RETURNING id`, [
    `0x${randomBytes(20).toString('hex')}`,
  ]);
  const event = await one(
    `INSERT INTO events (timestamp, wallet_id, tx_hash, fill_id, event_type, asset, position_before, position_after)
     VALUES (now(), $1, $2, '1', 'open', 'ETH', 0, 1) RETURNING id`,
    [wallet, `0x${randomBytes(32).toString('hex')}`],
  );
  await pg.query(`INSERT INTO event_analysis (event_id, llm_classification, bias_impact) VALUES ($1, 'open', 0.25)`, [event]);
  return { agent, idleAgent, trader, deployment, signal: signalId, position, bill, account, wallet, event };
}

/** Rows (count and content) of every table in the public schema, and the jobs of every queue. */
async function snapshot(content = true): Promise<Record<string, string>> {
  const { rows } = await pg.query(snapshotSql);
  const out: Record<string, string> = Object.fromEntries(rows.map((r) => [r.t, content ? `${r.n} rows, ${r.h}` : `${r.n} rows`]));
  for (const q of Object.values(QueueName)) {
    const counts = await queues[q].getJobCounts();
    out[`queue ${q}`] = `${Object.values(counts).reduce((a, b) => a + b, 0)} jobs`;
  }
  return out;
}
const changes = (before: Record<string, string>, after: Record<string, string>) => Object.keys(after).filter((k) => before[k] !== after[k]);

async function send(key: string, op: Operation, req: Awaited<ReturnType<Case['request']>>) {
  const [method, template] = key.split(' ');
  const id = req.id ?? (op.id ? fixtures[op.id.of] : undefined);
  const path = template.replace('{id}', encodeURIComponent(id ?? ''));
  const url = `${api}${path}${req.query ? `?${req.query}` : ''}`;
  const credential = op.who === 'fresh' ? await WalletClient.random(api).authorization() : op.who ? auth[op.who] : {};
  return http(method, url, req.body, { ...credential, ...req.headers });
}

beforeAll(async () => {
  db = await createTestDatabase();
  env = testEnv(db, { GATEWAY_WAIT_MS: '50' });
  ({ app: gateway, url: api } = await startHttpApp(GatewayAppModule.forRoot(env), env, configureGateway));
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  queues = testQueues(env);
  creator = new WalletClient(api); // TEST_WALLET: the fixtures' agent creator
  subscriber = WalletClient.random(api);
  auth = { creator: await creator.authorization(), subscriber: await subscriber.authorization(), admin: adminAuth(env) };
  fixtures = await makeFixtures();
  // The handle and X user id a conflicting post reuses.
  await pg.query(`INSERT INTO ct_accounts (x_username, x_user_id) VALUES ('batteryowner', '424242')`);
  const tables: string[] = (
    await pg.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name);
  snapshotSql = tables
    .map((t) => `SELECT '${t}' AS t, count(*)::int AS n, md5(COALESCE(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`)
    .join(' UNION ALL ');
});
afterAll(async () => {
  await gateway?.close();
  await queues?.close();
  await pg?.end();
  if (env) await cleanupRedis(env);
  await db?.drop();
});

describe('bad input to every endpoint: 4xx naming the field, never 5xx, nothing written', () => {
  it('has an entry for every operation, parameter and body field of the OpenAPI document', async () => {
    const doc = (await http('GET', `${api}/api/docs-json`)).body;
    const ref = (s: any) => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
    const documented: string[] = [];
    const problems: string[] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, operation] of Object.entries<any>(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        documented.push(key);
        const op = OPERATIONS[key];
        if (!op) continue;
        const params = (where: string) =>
          [...new Set((operation.parameters ?? []).filter((p: any) => p.in === where).map((p: any) => p.name.toLowerCase()))].sort();
        if (JSON.stringify(params('query')) !== JSON.stringify(Object.keys(op.query ?? {}).sort()))
          problems.push(`${key}: query ${params('query')}`);
        if (JSON.stringify(params('header')) !== JSON.stringify(Object.keys(op.headers ?? {}).sort()))
          problems.push(`${key}: headers ${params('header')}`);
        if (params('path').length && !op.id) problems.push(`${key}: path id`);
        // The body's fields, and those of its nested objects (arrays by their first item), against the table.
        const expected = new Map<string, boolean>();
        const walk = (schema: any, prefix: string) => {
          for (const [name, prop] of Object.entries<any>(schema?.properties ?? {})) {
            expected.set(prefix + name, (schema.required ?? []).includes(name));
            if (prop.items?.$ref) walk(ref(prop.items), `${prefix}${name}.0.`);
          }
        };
        walk(ref(operation.requestBody?.content?.['application/json']?.schema), '');
        const table = new Map(
          Object.entries(op.fields ?? {})
            .filter(([p]) => !p.includes('.') || expected.has(p))
            .map(([p, f]) => [p, !!f.required]),
        );
        const nestedTable = Object.keys(op.fields ?? {}).filter((p) => /\.0\./.test(p));
        for (const p of nestedTable) if (!expected.has(p)) problems.push(`${key}: ${p} is not in the document`);
        if (JSON.stringify([...expected].sort()) !== JSON.stringify([...table].sort()))
          problems.push(`${key}: body fields ${JSON.stringify([...expected])}`);
        if (op.fields && !op.body) problems.push(`${key}: fields without a valid body`);
        if (method !== 'get' && expected.size && !op.body) problems.push(`${key}: no valid body`);
      }
    }
    expect(documented.filter((k) => !OPERATIONS[k])).toEqual([]); // a new endpoint must join the battery
    expect(Object.keys(OPERATIONS).filter((k) => !documented.includes(k))).toEqual([]);
    expect(problems).toEqual([]);
  });

  describe.each(Object.entries(OPERATIONS))('%s', (key, op) => {
    it.each(casesOf(key, op).map((c) => [`${c.name} → ${c.status}`, c] as const))('%s', async (_, c) => {
      const req = await c.request(fixtures);
      const before = await snapshot();
      const res = await send(key, op, req);
      const after = await snapshot();
      const message = JSON.stringify(res.body?.message ?? res.body);
      expect({ status: res.status, message }).toMatchObject({ status: c.status });
      for (const n of c.names) expect(message).toContain(n);
      if (res.status >= 400) expect(res.body).toMatchObject({ statusCode: res.status });
      expect(changes(before, after)).toEqual([]);
    });
  });
});

describe('the same valid request twice: a 409 or an idempotent repeat, never a second row', () => {
  const mutating = Object.entries(OPERATIONS).filter(([key]) => !key.startsWith('GET '));
  it.each(mutating)('%s', async (key, op) => {
    const f = await makeFixtures();
    await op.repeat?.setup?.(f);
    const body = await op.body?.(f);
    const id = op.id ? f[op.id.of] : undefined;
    const req = { id, body, headers: op.repeat?.headers };
    const first = await send(key, op, req);
    expect({ status: first.status < 300, body: first.body }).toMatchObject({ status: true });
    const before = await snapshot(false);
    const second = await send(key, op, req);
    const after = await snapshot(false);
    if (op.repeat?.second) expect(second.status).toBe(op.repeat.second);
    else expect({ status: second.status === 409 || second.status < 300, body: second.body }).toMatchObject({ status: true });
    expect(changes(before, after)).toEqual([]);
  });
});

// A sanity check of the bad checksum itself: it must really be a mixed-case address whose EIP-55 checksum fails.
it('uses a wallet whose checksum is wrong', () => {
  expect(BAD_CHECKSUM).toMatch(/^0x(?=.*[a-f])(?=.*[A-F])[0-9a-fA-F]{40}$/);
  expect(isAddress(BAD_CHECKSUM)).toBe(false);
});
