import { randomUUID } from 'crypto';
import { Wallet } from 'ethers';
import { proofOfIntent, TEST_WALLET } from '@conduit/testing';
import { AGENT, context, createAgent, DEPLOYMENT, Operation, signIn, TRADER } from './fixtures';
import {
  BAD_POLICIES,
  BAD_UUIDS,
  BAD_WALLETS,
  FOLLOWING_FIELDS,
  named,
  oneOf,
  PAGE,
  sealedKeyFields,
  text,
  TRADER_FIELDS,
  uuid,
  wallet,
} from './values';

/** Health, sign-in, agents and their deployments. */
export const AGENTS_OPERATIONS: Record<string, Operation> = {
  'GET /health': {},
  'GET /health/live': {},
  'GET /health/ready': {},
  'GET /api/v3/auth/nonce': {},
  'POST /api/v3/auth/verify': {
    body: () => signIn(context.api, Wallet.createRandom()),
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
  'GET /api/v3/agents/leaderboard': {
    query: {
      ...PAGE,
      sort: ['bogus', 'APR_30D', '', ['apr_30d', 'name']],
      order: ['up', 'DESC', ''],
      kind: ['robot', 'LLM_TRADER', ''],
      status: ['BOGUS', 'active', ''],
      days: ['7', '30.0', 'abc', '', ['30', '90']],
    },
  },
  'GET /api/v3/agents/{id}': { id: AGENT },
  'POST /api/v3/agents/{id}/activate': {
    who: 'creator',
    id: AGENT,
    repeat: { setup: (f) => context.pg.query(`UPDATE agents_v3 SET status = 'DRAFT' WHERE id = $1`, [f.agent]) },
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
    body: (f) => ({ agent_id: f.idleAgent, user_wallet: context.subscriber.address, trading_mode: 'paper', policy: { max_leverage: 2 } }),
    fields: {
      agent_id: uuid(true, 'agent'),
      user_wallet: wallet(),
      safe_wallet: wallet(false),
      trading_mode: oneOf(['LIVE', 'demo', ''], false),
      policy: { type: 'object', bad: BAD_POLICIES },
      ...sealedKeyFields('hyperliquid'),
      ...sealedKeyFields('ostium'),
      ...sealedKeyFields('gmx'),
      ...sealedKeyFields('spot'),
    },
    cases: [
      {
        name: 'a sealed agent key that does not decrypt',
        body: (f) => ({
          agent_id: f.idleAgent,
          user_wallet: context.subscriber.address,
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
  'GET /api/v3/deployments/{id}/agent-wallets': { who: 'subscriber', id: DEPLOYMENT },
  'POST /api/v3/deployments/{id}/trading-mode': {
    who: 'subscriber',
    id: DEPLOYMENT,
    body: () => ({ trading_mode: 'paper' }),
    fields: { trading_mode: oneOf(['LIVE', 'demo', '', 'paper ']) },
    repeat: { setup: (f) => context.pg.query(`UPDATE agent_deployments_v3 SET trading_mode = 'live' WHERE id = $1`, [f.deployment]) },
  },
  'GET /api/v3/deployments': { query: { ...PAGE, agent_id: BAD_UUIDS, user_wallet: BAD_WALLETS } },
  'GET /api/v3/deployments/{id}': { who: 'subscriber', id: DEPLOYMENT },
  'POST /api/v3/deployments/{id}/pause': { who: 'subscriber', id: DEPLOYMENT },
  'POST /api/v3/deployments/{id}/activate': {
    who: 'subscriber',
    id: DEPLOYMENT,
    repeat: { setup: (f) => context.pg.query(`UPDATE agent_deployments_v3 SET status = 'PAUSED' WHERE id = $1`, [f.deployment]) },
  },
  'POST /api/v3/deployments/{id}/stop': { who: 'subscriber', id: DEPLOYMENT },
};
