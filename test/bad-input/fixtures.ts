import { randomBytes, randomUUID } from 'crypto';
import { Client } from 'pg';
import { http, proofOfIntent, signInMessage, TEST_WALLET, WalletClient } from '@conduit/testing';
import { Field } from './values';

// ---- what an entry of the operations table is, and the rows and bodies its valid requests use -----------------

/** Rows the valid requests point at; fresh ones for each duplicated request. */
export interface Fixtures {
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
  report: string; // a 4h report
  operator: string; // a viewer (seed 003's users)
  apiKey: string; // an API key of the test admin
  adminSession: string; // a live session of the test admin (not the one its requests use)
  operatorSession: string; // a live session of operator
}

/**
 * `fresh`: a wallet signed in for this one request (signing out must not end the others' tokens); `fresh-operator`: a
 * new operator with a session and a pending 2FA secret (context.operatorSecret), made before the request's snapshot.
 */
export type Who = 'creator' | 'subscriber' | 'admin' | 'fresh' | 'fresh-operator';
export type Body = Record<string, unknown>;
export type Build<T> = (f: Fixtures) => T | Promise<T>;

export interface Operation {
  /** The credential sent (every mutating call needs one; the admin routes and a deployment own data need it for reads too). */
  who?: Who;
  /** The path's {id}: the fixture of a valid one and the noun a 404 for an unknown one names. */
  id?: { of: keyof Fixtures; noun: string };
  /** The path's other parameters (`{session_id}`), each as {id} is: a valid one's fixture and the noun of a 404. */
  params?: Record<string, { of: keyof Fixtures; noun: string }>;
  /** Query parameter → bad values (an array value sends the parameter repeated). */
  query?: Record<string, unknown[]>;
  /** Header → bad values. */
  headers?: Record<string, string[]>;
  /**
   * A GET whose valid request needs a query: the query, and the status and message texts the battery's gateway answers
   * it with (only the gateway runs, so a question to a worker on the RPC channel finds nobody: 503).
   */
  valid?: { query: Build<string>; status: number; names: string[] };
  /** A valid body. */
  body?: Build<Body>;
  /** Body fields by path (`posts.0.tweet_id`); the top-level ones must be exactly the document's. */
  fields?: Record<string, Field>;
  /** Further cases: a whole body, the status and what the message names. */
  /** `writes`: the tables the case may write to (a failed login is counted and audited). */
  cases?: { name: string; body: Build<unknown>; status: number; names: string[]; writes?: string[] }[];
  /**
   * The same valid request twice, on fresh fixtures: setup first, the body built once, the second answer's status;
   * `grows`: tables the second may add rows to (a second login is a second session).
   */
  repeat?: { setup?: (f: Fixtures) => Promise<unknown>; headers?: Record<string, string>; second?: number; grows?: string[] };
  /**
   * An endless answer (server-sent events): a valid request never ends, so the battery sends only the credentials it
   * must refuse (none, one that is not a token); test/stream.e2e.spec.ts covers the stream itself.
   */
  stream?: true;
}

/**
 * What the runner (bad-input.spec.ts) fills in beforeAll and the operations read when they build a request: the
 * gateway's URL, the subscriber's wallet and the database the repeats' setups write to.
 */
export interface Context {
  api: string;
  subscriber: WalletClient;
  pg: Client;
  /** The pending TOTP secret of the last fresh operator, and its users.id. */
  operatorSecret: string;
  operatorId: string;
}
export const context = {} as Context;

// ---- the valid bodies, and the fixture a path's {id} is -------------------------------------------------------

export const signIn = async (api: string, wallet: { address: string; signMessage(m: string): Promise<string> }) => {
  const nonce = (await http('GET', `${api}/api/v3/auth/nonce`)).body.nonce;
  const message = signInMessage(api, wallet.address, nonce);
  return { message, signature: await wallet.signMessage(message) };
};
export const createAgent = async (name = 'Battery agent', timestamp?: string) => ({
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
export const signal = (f: Fixtures) => ({
  agent_id: f.agent,
  token_symbol: 'ETH',
  side: 'LONG',
  size_model: { type: 'percentage', value: 25, leverage: 2 },
  risk_model: { type: 'trailing-stop', stop: 0.03, take_profit: 0.1, activation: 0.02 },
  confidence: 0.85,
  source_tweets: ['1850000000000000001'],
  source_research: ['note-1'],
});
export const digits = (n: number) => Array.from(randomBytes(n), (b) => b % 10).join('');
export const post = () => ({
  tweet_id: `9${digits(17)}`,
  x_username: 'batterycaller',
  x_user_id: '777000111',
  text: '$ETH breaking out',
  created_at: '2026-01-02T03:04:05Z',
});
export const note = () => ({
  institute: 'Battery Research',
  source_id: `note-${randomUUID()}`,
  token_symbol: 'ETH',
  side: 'LONG',
  leverage: 3,
  confidence: 0.7,
  text: 'ETH looks strong',
  signal_time: '2026-01-02T03:04:05Z',
});
export const window6h = () => ({
  token_symbol: 'ETH',
  window_start: '2026-01-02T06:00:00Z',
  indicators: { volatility_24h: 0.035, ret_6h: 0.012 },
});
export const signature = { r: `0x${'1'.repeat(64)}`, s: `0x${'2'.repeat(64)}`, v: 27 };
export const AGENT = { of: 'agent', noun: 'agent' } as const;
export const TRADER = { of: 'trader', noun: 'agent' } as const;
export const WALLET = { of: 'wallet', noun: 'wallet' } as const;
export const DEPLOYMENT = { of: 'deployment', noun: 'deployment' } as const;
export const SIGNAL = { of: 'signal', noun: 'signal' } as const;
export const REPORT = { of: 'report', noun: 'report' } as const;
