import { randomBytes } from 'crypto';
import { AGENT, DEPLOYMENT, Operation, REPORT, signature, SIGNAL, WALLET } from './fixtures';
import {
  BAD_DATES,
  BAD_SYMBOLS,
  BAD_UUIDS,
  BAD_WALLETS,
  named,
  oneOf,
  PAGE,
  POLICY,
  POLICY_FIELDS,
  text,
  wallet,
  WALLET_TAGS,
} from './values';

/** Agent How / Where (policies, kill switch, routing), stats, billing, the LLM traders' records, the watchlist and admin. */
export const OVERSIGHT_OPERATIONS: Record<string, Operation> = {
  // Agent How / Where
  'PUT /api/v3/agents/{id}/policy': { who: 'creator', id: AGENT, body: () => POLICY, fields: POLICY_FIELDS },
  'GET /api/v3/deployments/{id}/policy': { who: 'subscriber', id: DEPLOYMENT },
  'PUT /api/v3/deployments/{id}/policy': { who: 'subscriber', id: DEPLOYMENT, body: () => POLICY, fields: POLICY_FIELDS },
  'POST /api/v3/deployments/{id}/kill-switch': {
    who: 'subscriber',
    id: DEPLOYMENT,
    body: () => ({ enabled: true }),
    fields: { enabled: { type: 'boolean', required: true } },
  },
  'GET /api/v3/deployments/{id}/decisions': { who: 'subscriber', id: DEPLOYMENT, query: { ...PAGE, decision: ['trade', 'BOGUS', ''] } },
  'GET /api/v3/signals/{id}/decisions': { id: SIGNAL },
  'GET /api/v3/signals/{id}/journey': { id: SIGNAL },
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

  // notifications (docs/NOTIFICATIONS.md): the signed-in wallet's own
  'GET /api/v3/notifications/settings': { who: 'subscriber' },
  'PUT /api/v3/notifications/settings': {
    who: 'subscriber',
    body: () => ({
      events: ['position.opened', 'position.closed', 'bill.failed'],
      channels: {
        // a public address literal: the SSRF guard is on in the battery, and it needs no DNS (nothing connects to it)
        webhook: { enabled: true, url: 'https://93.184.215.14/conduit-hook', secret: 'battery-secret-0123456789' },
        telegram: { enabled: true, chat_id: '123456789' },
        email: { enabled: false, address: 'battery@example.com' },
      },
    }),
    fields: {
      events: {
        type: 'array',
        required: true,
        bad: [['position.exploded'], [42], ['position.opened', 'position.opened'], Array(16).fill('bill.failed')],
      },
      channels: { type: 'object', required: true, bad: [named('channels.sms', { sms: { enabled: true } })] },
      'channels.webhook': { type: 'object' },
      'channels.webhook.enabled': { type: 'boolean', required: true },
      'channels.webhook.url': text([
        '',
        'not a url',
        'ftp://example.com/x',
        'javascript:alert(1)',
        // the SSRF guard: loopback, link-local (cloud metadata), private, IPv4-mapped, a name resolving to loopback
        'http://127.0.0.1/hook',
        'http://[::1]/hook',
        'http://169.254.169.254/latest/meta-data/',
        'http://192.168.1.1/hook',
        'http://[::ffff:10.0.0.1]/hook',
        'http://localhost:8080/hook',
      ]),
      'channels.webhook.secret': text(['short', 'x'.repeat(257)], false),
      'channels.telegram': { type: 'object' },
      'channels.telegram.enabled': { type: 'boolean', required: true },
      'channels.telegram.chat_id': text(['', 'abc', '12 34', '@x']),
      'channels.email': { type: 'object' },
      'channels.email.enabled': { type: 'boolean', required: true },
      'channels.email.address': text(['', 'not-an-email', 'a@', `${'x'.repeat(250)}@example.com`]),
    },
    cases: [
      {
        name: 'a webhook enabled without a secret (none stored)',
        body: () => ({ events: [], channels: { webhook: { enabled: true, url: 'https://93.184.215.14/hook' } } }),
        status: 400,
        names: ['channels.webhook.secret'],
      },
    ],
  },
  'GET /api/v3/notifications': { who: 'subscriber', query: { ...PAGE, event_type: ['position.exploded', 'POSITION.OPENED', ''] } },
  'GET /api/v3/stream': { stream: true, query: { token: [] } }, // the refused tokens: casesOf

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
  'GET /api/v3/market/marks': {
    query: {
      token_symbol: ['ETH$', ''],
      venue: ['BINANCE', ''],
      from: ['', ...BAD_DATES, '2026-02-30'],
      to: ['', ...BAD_DATES, '2026-02-30'],
      limit: ['0', '10001', 'abc', '1.5', ''],
    },
  },

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
  'GET /api/v3/billing/events/{id}': { who: 'subscriber', id: { of: 'bill', noun: 'billing event' } },

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
  'POST /api/v3/billing/events/{id}/retry': {
    who: 'subscriber',
    id: { of: 'bill', noun: 'billing event' },
    body: () => ({}),
    fields: {
      r: text(['0x1234', `0x${'z'.repeat(64)}`, '1'.repeat(64), `0x${'1'.repeat(66)}`], false),
      s: text(['0x1234', `0x${'z'.repeat(64)}`, '', `0x${'2'.repeat(63)}`], false),
      v: { type: 'integer', bad: [0, 1, 29, -27] },
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
  'GET /api/v3/admin/queues': { who: 'admin' },
  'GET /api/v3/admin/venues': { who: 'admin' },
  'GET /api/v3/admin/audit': {
    who: 'admin',
    query: {
      ...PAGE,
      trace_id: ['short', 'has space in it', 'x'.repeat(129)],
      user_id: BAD_UUIDS,
      wallet: BAD_WALLETS,
      entity_type: ['', 'x'.repeat(51)],
      entity_id: BAD_UUIDS,
      action: ['', 'x'.repeat(101)],
      from: ['', ...BAD_DATES, '2026-02-30'],
      to: ['', ...BAD_DATES, '2026-02-30'],
    },
  },

  // reports (operators only: they hold every deployment's PnL)
  'GET /api/v3/reports': {
    who: 'admin',
    query: { ...PAGE, type: ['weekly', '4H', ''], from: ['', ...BAD_DATES, '2026-02-30'], to: ['', ...BAD_DATES, '2026-02-30'] },
  },
  'GET /api/v3/reports/{id}': { who: 'admin', id: REPORT, query: { format: ['html', 'MD', ''] } },
  'POST /api/v3/admin/reports/run': {
    who: 'admin',
    body: () => ({ type: '4h', period_start: '2026-01-01T04:00:00Z' }),
    fields: {
      type: oneOf(['weekly', '4H', '']),
      period_start: {
        type: 'string',
        // Bad dates, a time that starts no 4-hour block, and a period that has not ended.
        bad: ['', ...BAD_DATES, '2026-01-01', '2026-01-01T05:00:00Z', '2026-01-01T04:30:00Z', '2999-01-01T00:00:00Z'],
      },
    },
  },
};
