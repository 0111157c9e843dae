import { TEST_WALLET } from '@conduit/testing';

// ---- what a bad value looks like ------------------------------------------------------------------------------

/** A JSON type a field accepts; `decimal` is a number or a decimal string. */
export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'decimal';

/** Values of every other JSON type: each is refused, naming the field. */
export const WRONG_TYPES: Record<JsonType, unknown[]> = {
  string: [42, true, { a: 1 }, ['x'], null],
  number: ['0.5', true, { a: 1 }, [1], null],
  integer: ['3', 2.5, true, { a: 1 }, [1], null],
  boolean: ['true', 1, { a: 1 }, [true], null],
  object: ['x', 42, true, [{}], null],
  array: ['x', 42, true, { 0: 'x' }, null],
  decimal: [true, { a: 1 }, ['1'], null],
};

/** A bad value whose message names another path than the field's own (a nested field, a related field). */
export class Named {
  constructor(
    readonly names: string[],
    readonly value: unknown,
  ) {}
}
export const named = (names: string | string[], value: unknown) => new Named([names].flat(), value);

export interface Field {
  type: JsonType;
  required?: boolean;
  /** Wrong values of the right type: out of range, unknown enum, malformed format. */
  bad?: unknown[];
  /** Replaces WRONG_TYPES[type] where the domain rule itself reads null as "absent" (risk model fractions). */
  wrong?: unknown[];
  /** The field holds the id of another entity: an unknown one answers 404 naming it. */
  unknown?: string;
}

export const SOME_UUID = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
export const BAD_UUIDS = ['not-a-uuid', '1234', SOME_UUID.slice(0, -1), `${SOME_UUID}0`, 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz', ''];
/** Mixed case with a broken EIP-55 checksum: the first letter's case flipped. */
export const BAD_CHECKSUM = TEST_WALLET.address.replace(/[a-fA-F]/, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
export const BAD_WALLETS = [BAD_CHECKSUM, '0x123', `0x${'g'.repeat(40)}`, `0x${'a'.repeat(42)}`, 'not-a-wallet', ''];
export const BAD_DATES = [
  'yesterday',
  '2026-13-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-01-01T25:00:00Z',
  '2026-01-01T::Z',
  '0000-01-01T00:00:00Z',
  '2026-01-01T00:00:00+23:00',
];
export const BAD_SYMBOLS = ['', 'ETH$', 'ETH USD', 'X'.repeat(21)];

export const uuid = (required = true, unknown?: string): Field => ({ type: 'string', required, bad: BAD_UUIDS, unknown });
export const wallet = (required = true): Field => ({ type: 'string', required, bad: BAD_WALLETS });
export const oneOf = (bad: unknown[], required = true): Field => ({ type: 'string', required, bad });
export const text = (bad: unknown[], required = true): Field => ({ type: 'string', required, bad });

/** Bad values of a nested policy (agents/create, agents/deploy), each naming its path. */
export const BAD_POLICIES = [
  named('policy.max_leverage', { max_leverage: 0 }),
  named('policy.max_leverage', { max_leverage: 1000 }),
  named('policy.min_confidence', { min_confidence: 1.5 }),
  named('policy.max_position_pct', { max_position_pct: -5 }),
  named('policy.enabled_venues', { enabled_venues: ['BINANCE'] }),
  named('policy.max_leverage', { max_leverage: null }),
  named('policy has unknown field(s): bogus', { bogus: 1 }),
];

/** Every field of a policy body (PUT agents/:id/policy and deployments/:id/policy). */
export const POLICY_FIELDS: Record<string, Field> = {
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
export const POLICY = {
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

export const PAGE = {
  limit: ['0', '-1', '501', '100000', 'abc', '1.5', '', '1e2', '0x10', ['1', '2']],
  offset: ['-1', 'abc', '0.5', '', '100000000000000000000'],
};

// ---- the fields several operations share ----------------------------------------------------------------------

export const sealedKeyFields = (prefix: string): Record<string, Field> => ({
  [`${prefix}_agent_address`]: text([named(`${prefix}_agent_address`, '0x123'), 'x'.repeat(129)], false),
  [`${prefix}_agent_key_encrypted`]: text([named(`${prefix}_agent_address`, '...'), 'x'.repeat(4097)], false),
  [`${prefix}_agent_key_iv`]: text([named(`${prefix}_agent_address`, '...'), 'x'.repeat(257)], false),
  [`${prefix}_agent_key_tag`]: text([named(`${prefix}_agent_address`, '...'), 'x'.repeat(257)], false),
});
export const WALLET_TAGS: Field = { type: 'array', bad: [['Bad Tag'], [42], Array(21).fill('whale'), ['x'.repeat(41)]] };
/** An llm_trader's settings (seed 004's trading_agents): on a signal agent each is refused naming it too. */
export const TRADER_FIELDS: Record<string, Field> = {
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
export const FOLLOWING_FIELDS: Record<string, Field> = {
  wallet_ids: {
    type: 'array',
    bad: [['0x123'], [42], [BAD_CHECKSUM], ['not-a-uuid'], Array(101).fill(`0x${'ab'.repeat(20)}`), named('wallet_ids', [SOME_UUID])],
  },
  wallet_top_n: { type: 'integer', bad: [0, 101, -1] },
  wallet_bias_threshold: { type: 'decimal', bad: [0, '0', 1.5, '1.001', '0.1234', -0.1, 'abc', '', 'NaN', '1e-1'] },
};
