import { randomUUID } from 'crypto';
import { AGENT, note, Operation, post, signal, SIGNAL, window6h } from './fixtures';
import { BAD_DATES, BAD_SYMBOLS, BAD_UUIDS, named, oneOf, PAGE, text, uuid } from './values';

/** Trading (signals, trades, positions), the sources an agent reads (Agent What) and its decisions. */
export const TRADING_OPERATIONS: Record<string, Operation> = {
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
  'GET /api/v3/routing/preview': {
    valid: {
      query: (f) => `agent_id=${f.agent}&token_symbol=ETH&side=LONG&notional_usd=2500`,
      status: 503,
      names: ['no router answered within 2000 ms'],
    },
    query: {
      agent_id: BAD_UUIDS,
      token_symbol: BAD_SYMBOLS,
      side: ['UP', 'BUY', ''],
      notional_usd: ['', '0', '0.00', '-1', '1e3', 'abc', '1.123456789', '9'.repeat(16)],
    },
  },
  'GET /api/v3/positions/{id}': { who: 'subscriber', id: { of: 'position', noun: 'position' } },
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
};
