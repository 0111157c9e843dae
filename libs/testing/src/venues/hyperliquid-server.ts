/**
 * A local Hyperliquid-compatible HTTP server for tests (test support, not product code).
 *
 * Mimics the parts of https://api.hyperliquid.xyz that a perp trading client uses, in the shapes recorded from the
 * live API (python-SDK cassettes, CCXT fixtures, the GitBook examples) and typed by @nktkas/hyperliquid:
 * - POST /info: meta, metaAndAssetCtxs, allMids, l2Book, clearinghouseState, openOrders, frontendOpenOrders,
 *   orderStatus (by oid or cloid), historicalOrders, userFills, userFillsByTime. An unknown type answers HTTP 422.
 * - POST /exchange: the L1 actions order, cancel, cancelByCloid and updateLeverage, signed by a master account or by
 *   an agent (API wallet) the master approved; the user-signed actions approveAgent and usdSend, signed by the master.
 *   Signers are recovered exactly as Hyperliquid does (EIP-712 "Agent" over the msgpack action hash, or the
 *   HyperliquidSignTransaction domain), so a tampered body recovers a stranger: "User or API Wallet … does not exist."
 *   A nonce is usable once per signer and must lie within (now − 2 days, now + 1 day).
 * - Orders: tick rule (5 significant figures, 6 − szDecimals decimals, integers always allowed), lot rule (szDecimals),
 *   $10 minimum, the 80% price band, cloids, reduce-only, a cross-margin check at the coin's leverage (20x by default,
 *   capped by maxLeverage), taker fee (+ builder fee when the action names one). IOC orders sweep a synthetic book
 *   around the mid up to their limit (partial fills possible); Gtc orders rest for what does not cross; Alo orders
 *   rest or are rejected. Fills update the signed position (average entry, realised PnL on reductions) and the USDC
 *   balance; accountValue = USDC + unrealised PnL at the mid.
 *
 * Deliberately NOT simulated: funding, liquidations and maintenance-margin enforcement (liquidationPx is null),
 * isolated margin, vaults and sub-accounts (vaultAddress is refused), spot, HIP-3 dexes, trigger / TP-SL / TWAP
 * orders, builder-fee approval, rate limits, websockets, and maker fills: the book is static (rebuilt only by setMid,
 * not consumed by fills) and resting orders never fill. The nonce rule is simplified (no "100 highest nonces" set).
 * All amounts are decimal.js values, strings on the wire.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import Decimal from 'decimal.js';
import { id as keccakUtf8, Signature, verifyTypedData } from 'ethers';
import { createL1ActionHash } from '@nktkas/hyperliquid/signing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the seeded market list is the universe's single source
import venueMarkets from '../../../../migrations/data/venue-markets.json';

// ---- public types ------------------------------------------------------------------------------------------------

export interface HlSimMarket {
  name: string;
  szDecimals: number;
  maxLeverage: number;
  mid: string;
}

export interface HlSimOptions {
  /** Network the server pretends to be: L1 signatures use source 'b' (testnet) or 'a', and user-signed actions must say 'Testnet' /
   * 'Mainnet'. Default false. */
  isTestnet?: boolean;
  /** The perp universe in asset-index order. Default: the Hyperliquid rows of migrations/data/venue-markets.json. */
  markets?: HlSimMarket[];
  /** Taker fee in basis points. Default '4.5'. */
  takerFeeBps?: string;
  /** Levels per side of the synthetic book. Default 10. */
  bookDepthLevels?: number;
}

/** An order that received an oid (engine rejections included, with their …Rejected status). */
export interface HlSimOrder {
  master: string;
  signer: string;
  oid: number;
  cloid: string | null;
  coin: string;
  isBuy: boolean;
  /** Size and limit price exactly as posted. */
  sz: string;
  limitPx: string;
  reduceOnly: boolean;
  tif: string;
  /** 'open' | 'filled' | 'canceled' | 'tickRejected' | 'minTradeNtlRejected' | 'reduceOnlyRejected' | 'iocCancelRejected' |
   * 'badAloPxRejected' | 'perpMarginRejected'. */
  status: string;
  filledSz: string;
  timestamp: number;
  statusTimestamp: number;
}

export interface HlSimExchangeRequest {
  body: any;
  /** Recovered signer (lowercase), null when the body could not be read or the signature not recovered. */
  signer: string | null;
  /** The JSON answer (also when the socket was hung up instead), or 'HTTP 422: …' for an unreadable body. */
  response: any;
}

export interface HlSignature {
  r: string;
  s: string;
  v: number;
}

// ---- constants ---------------------------------------------------------------------------------------------------

const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
const ZERO = new D(0);
const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000';
const DAY_MS = 86_400_000;
const MIN_ORDER_USD = new D(10);
const MAX_PRICE_DEVIATION = new D('0.8');
const DEFAULT_LEVERAGE = 20;
/** Level i of the synthetic book holds about (i + 1) × this many USD; levels are about 1 bp apart. */
const LEVEL_NOTIONAL_USD = new D(25_000);
const LEVEL_SPACING = new D('0.0001');
const OID_BASE = 300_000_000_000;
const TID_BASE = 800_000_000_000_000;
const LIMIT_TIFS = new Set(['Gtc', 'Ioc', 'Alo', 'FrontendMarket']);
const L1_ACTIONS = new Set(['order', 'cancel', 'cancelByCloid', 'updateLeverage']);
const DEFAULT_OK = { status: 'ok', response: { type: 'default' } } as const;

const L1_DOMAIN = { name: 'Exchange', version: '1', chainId: 1337, verifyingContract: ZERO_ADDRESS };
const AGENT_TYPES = {
  Agent: [
    { name: 'source', type: 'string' },
    { name: 'connectionId', type: 'bytes32' },
  ],
};

/** EIP-712 struct of each user-signed action the server accepts, and the field that carries its nonce. */
const USER_SIGNED: Record<string, { primaryType: string; fields: { name: string; type: string }[]; nonceField: string }> = {
  approveAgent: {
    primaryType: 'HyperliquidTransaction:ApproveAgent',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'agentAddress', type: 'address' },
      { name: 'agentName', type: 'string' },
      { name: 'nonce', type: 'uint64' },
    ],
    nonceField: 'nonce',
  },
  usdSend: {
    primaryType: 'HyperliquidTransaction:UsdSend',
    fields: [
      { name: 'hyperliquidChain', type: 'string' },
      { name: 'destination', type: 'string' },
      { name: 'amount', type: 'string' },
      { name: 'time', type: 'uint64' },
    ],
    nonceField: 'time',
  },
};

// ---- internal types ----------------------------------------------------------------------------------------------

interface Level {
  px: Decimal;
  sz: Decimal;
  n: number;
}

interface Market {
  name: string;
  szDecimals: number;
  maxLeverage: number;
  mid: Decimal;
  prevDayPx: Decimal;
  bids: Level[];
  asks: Level[];
}

interface Position {
  szi: Decimal;
  entryPx: Decimal;
}

interface UserFill {
  coin: string;
  px: string;
  sz: string;
  side: 'B' | 'A';
  time: number;
  startPosition: string;
  dir: string;
  closedPnl: string;
  hash: string;
  oid: number;
  crossed: boolean;
  fee: string;
  builderFee?: string;
  tid: number;
  cloid?: string;
  feeToken: 'USDC';
  twapId: null;
}

interface Account {
  usdc: Decimal;
  positions: Map<string, Position>;
  leverage: Map<string, number>;
  /** Oldest first. */
  fills: UserFill[];
}

interface ExchangeRequest {
  action: Record<string, any>;
  nonce: number;
  signature: unknown;
  vaultAddress?: string;
  expiresAfter?: number;
}

type Authorization = { signer: string; master: string } | { signer: string | null; error: string };
type OrderStatusEntry = { filled: { totalSz: string; avgPx: string; oid: number } } | { resting: { oid: number } } | { error: string };

interface ParsedOrder {
  asset: number;
  market: Market;
  isBuy: boolean;
  px: Decimal;
  sz: Decimal;
  reduceOnly: boolean;
  tif: string;
  cloid: string | null;
}

interface Fees {
  takerRate: Decimal;
  builderRate: Decimal;
}

/** The body cannot be read as the request type: the real API answers HTTP 422 with a plain-text reason. */
class DeserializeError extends Error {}

// ---- entry point -------------------------------------------------------------------------------------------------

/** Starts a simulator on 127.0.0.1 with an ephemeral port. Close it with sim.close(). */
export async function startHyperliquidServer(opts: HlSimOptions = {}): Promise<HyperliquidSim> {
  const sim = new HyperliquidSim(opts);
  await sim.listen();
  return sim;
}

export class HyperliquidSim {
  /** Every order that received an oid, in placement order. */
  readonly orders: HlSimOrder[] = [];
  /** Every /exchange call, in arrival order. */
  readonly exchangeRequests: HlSimExchangeRequest[] = [];

  private readonly isTestnet: boolean;
  private readonly takerRate: Decimal;
  private readonly depth: number;
  private readonly markets: Market[];
  private readonly accounts = new Map<string, Account>();
  /** agent → master */
  private readonly agents = new Map<string, string>();
  /** `${master}|${agentName}` → agent, so approving a new agent under a name replaces the previous one. */
  private readonly agentsByName = new Map<string, string>();
  private readonly usedNonces = new Map<string, Set<number>>();
  private readonly server: Server;
  private nextOid = OID_BASE;
  private nextTid = TID_BASE;
  private hangUpNext: false | 'destroy' | 'hold' = false;
  private readonly held = new Set<ServerResponse>();
  private heldListeners: ((order: HlSimOrder) => void)[] = [];
  private down = false;
  private baseUrl = '';

  constructor(opts: HlSimOptions = {}) {
    this.isTestnet = opts.isTestnet ?? false;
    this.takerRate = new D(opts.takerFeeBps ?? '4.5').div(10_000);
    this.depth = opts.bookDepthLevels ?? 10;
    this.markets = (opts.markets ?? defaultMarkets()).map((m) => this.newMarket(m));
    this.server = createServer((req, res) => void this.route(req, res));
  }

  /** http://127.0.0.1:PORT — pass it as the SDK's apiUrl. */
  get url(): string {
    return this.baseUrl;
  }

  /** Binds the server (startHyperliquidServer does this). */
  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.server.close((err) => (err ? reject(err) : resolve())));
    this.server.closeAllConnections();
    await closed;
  }

  // ---- test controls ---------------------------------------------------------------------------------------------

  /** Moves a coin's mid and rebuilds its synthetic book around it. */
  setMid(coin: string, px: string): void {
    const market = this.marketByName(coin);
    if (!market) throw new Error(`unknown coin ${coin}`);
    market.mid = new D(px);
    this.rebuildBook(market);
  }

  /** Credits a master account's USDC (creating the account). */
  fund(master: string, usdc: string): void {
    const account = this.account(lower(master));
    account.usdc = account.usdc.plus(usdc);
  }

  /** Test shortcut for the signed approveAgent action (also creates the master account). */
  approveAgentDirectly(master: string, agent: string): void {
    this.account(lower(master));
    this.agents.set(lower(agent), lower(master));
  }

  /** Non-zero positions, as plain decimal strings (entryPx to 8 decimals). */
  positions(master: string): Array<{ coin: string; szi: string; entryPx: string }> {
    const account = this.accounts.get(lower(master));
    if (!account) return [];
    return [...account.positions]
      .filter(([, p]) => !p.szi.isZero())
      .map(([coin, p]) => ({ coin, szi: p.szi.toFixed(), entryPx: p.entryPx.toDecimalPlaces(8).toFixed() }));
  }

  /** The asset index of a coin (its position in the universe). */
  assetIndex(coin: string): number {
    const index = this.markets.findIndex((m) => m.name === coin);
    if (index < 0) throw new Error(`unknown coin ${coin}`);
    return index;
  }

  /** The next `order` action is fully processed, then its socket is destroyed without an answer. */
  hangUpAfterNextOrder(): void {
    this.hangUpNext = 'destroy';
  }

  /**
   * The next `order` action is fully processed (filled), then no answer is ever sent and the socket stays open:
   * the caller is left waiting as if the venue had accepted the order and the caller had crashed meanwhile.
   * `onHeld` runs at that moment with the order (a test kills the caller there).
   */
  holdNextOrder(onHeld?: (order: HlSimOrder) => void): void {
    this.hangUpNext = 'hold';
    if (onHeld) this.heldListeners.push(onHeld);
  }

  /** While down, every request answers HTTP 503. */
  setDown(down: boolean): void {
    this.down = down;
  }

  // ---- HTTP --------------------------------------------------------------------------------------------------------

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (this.down) return sendText(res, 503, 'Service Unavailable');
      if (req.method !== 'POST' || (req.url !== '/info' && req.url !== '/exchange')) return sendText(res, 404, 'Not Found');
      const body = parseJson(await readBody(req));
      if (req.url === '/info') return sendJson(res, this.info(body));
      const { response, hangUp } = this.exchange(body);
      if (hangUp === 'destroy') {
        req.socket.destroy();
        return;
      }
      if (hangUp === 'hold') {
        this.held.add(res);
        const listeners = this.heldListeners.splice(0);
        for (const fn of listeners) fn(this.orders[this.orders.length - 1]);
        return;
      }
      sendJson(res, response);
    } catch (err) {
      if (err instanceof DeserializeError)
        return sendText(res, 422, `Failed to deserialize the JSON body into the target type: ${err.message}`);
      sendText(res, 500, `hyperliquid simulator error: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }

  // ---- /info -------------------------------------------------------------------------------------------------------

  private info(body: any): unknown {
    const type = body?.type;
    switch (type) {
      case 'meta':
        return this.meta();
      case 'metaAndAssetCtxs':
        return [this.meta(), this.markets.map((m) => this.assetCtx(m))];
      case 'allMids':
        return Object.fromEntries(this.markets.map((m) => [m.name, wire(m.mid)]));
      case 'l2Book':
        return this.l2Book(body.coin);
      case 'clearinghouseState':
        return this.clearinghouseState(parseAddress(body.user, 'user'));
      case 'openOrders':
        return this.ordersOf(parseAddress(body.user, 'user'), 'open').map(openOrderView);
      case 'frontendOpenOrders':
        return this.ordersOf(parseAddress(body.user, 'user'), 'open').map(frontendOrderView);
      case 'historicalOrders':
        return this.ordersOf(parseAddress(body.user, 'user')).map(orderStatusView);
      case 'orderStatus':
        return this.orderStatus(parseAddress(body.user, 'user'), body.oid);
      case 'userFills':
        return this.fillsOf(parseAddress(body.user, 'user')).reverse().slice(0, 2000);
      case 'userFillsByTime':
        return this.fillsByTime(parseAddress(body.user, 'user'), body);
      default:
        throw new DeserializeError(`unknown variant \`${String(type)}\``);
    }
  }

  private meta() {
    const leverages = [...new Set(this.markets.map((m) => m.maxLeverage))];
    return {
      universe: this.markets.map((m) => ({
        szDecimals: m.szDecimals,
        name: m.name,
        maxLeverage: m.maxLeverage,
        marginTableId: m.maxLeverage,
      })),
      marginTables: leverages.map((lev) => [lev, { description: '', marginTiers: [{ lowerBound: '0.0', maxLeverage: lev }] }]),
      collateralToken: 0,
    };
  }

  private assetCtx(m: Market) {
    const { notional, base } = this.dayVolume(m.name);
    const openInterest = [...this.accounts.values()].reduce((sum, a) => sum.plus(a.positions.get(m.name)?.szi.abs() ?? ZERO), ZERO);
    return {
      funding: '0.0',
      openInterest: wire(openInterest),
      prevDayPx: wire(m.prevDayPx),
      dayNtlVlm: wire(notional, 6),
      premium: '0.0',
      oraclePx: wire(m.mid),
      markPx: wire(m.mid),
      midPx: wire(m.mid),
      impactPxs: [wire(m.bids[0]?.px ?? m.mid), wire(m.asks[0]?.px ?? m.mid)],
      dayBaseVlm: wire(base),
    };
  }

  private dayVolume(coin: string) {
    const since = Date.now() - DAY_MS;
    let notional = ZERO;
    let base = ZERO;
    for (const account of this.accounts.values()) {
      for (const f of account.fills) {
        if (f.coin !== coin || f.time < since) continue;
        notional = notional.plus(new D(f.px).mul(f.sz));
        base = base.plus(f.sz);
      }
    }
    return { notional, base };
  }

  private l2Book(coin: unknown) {
    const market = typeof coin === 'string' ? this.marketByName(coin) : undefined;
    if (!market) return null;
    const level = (l: Level) => ({ px: wire(l.px), sz: wire(l.sz), n: l.n });
    return { coin: market.name, time: Date.now(), levels: [market.bids.map(level), market.asks.map(level)] };
  }

  private clearinghouseState(user: string) {
    const account = this.accounts.get(user) ?? emptyAccount();
    const state = this.marginState(account);
    const summary = {
      accountValue: wire(state.accountValue, 6),
      totalNtlPos: wire(state.totalNtlPos, 6),
      totalRawUsd: wire(state.totalRawUsd, 6),
      totalMarginUsed: wire(state.totalMarginUsed, 6),
    };
    return {
      marginSummary: summary,
      crossMarginSummary: { ...summary },
      crossMaintenanceMarginUsed: wire(state.maintenanceMargin, 6),
      withdrawable: wire(state.withdrawable, 6),
      assetPositions: state.positions.map((p) => ({
        type: 'oneWay',
        position: {
          coin: p.coin,
          szi: wire(p.szi),
          leverage: { type: 'cross', value: p.leverage },
          entryPx: wire(p.entryPx, 8),
          positionValue: wire(p.value, 6),
          unrealizedPnl: wire(p.pnl, 6),
          returnOnEquity: wire(p.roe, 8),
          liquidationPx: null,
          marginUsed: wire(p.marginUsed, 6),
          maxLeverage: p.maxLeverage,
          cumFunding: { allTime: '0.0', sinceOpen: '0.0', sinceChange: '0.0' },
        },
      })),
      time: Date.now(),
    };
  }

  private orderStatus(user: string, oid: unknown) {
    let order: HlSimOrder | undefined;
    if (typeof oid === 'number') order = this.orders.find((o) => o.master === user && o.oid === oid);
    else if (typeof oid === 'string' && /^0x[0-9a-fA-F]{32}$/.test(oid))
      order = this.orders.find((o) => o.master === user && o.cloid === oid.toLowerCase());
    else throw new DeserializeError('invalid `oid`: expected an order id or a 16-byte hex cloid');
    return order ? orderStatusView(order) : { status: 'unknownOid' };
  }

  private fillsByTime(user: string, body: any) {
    const start = Number(body.startTime);
    const end = body.endTime == null ? Date.now() : Number(body.endTime);
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) throw new DeserializeError('invalid `startTime` / `endTime`');
    const newestFirst = this.fillsOf(user)
      .filter((f) => f.time >= start && f.time <= end)
      .reverse()
      .slice(0, 2000);
    return body.reversed ? newestFirst.reverse() : newestFirst;
  }

  /** Newest first. */
  private ordersOf(user: string, status?: string): HlSimOrder[] {
    return this.orders.filter((o) => o.master === user && (!status || o.status === status)).reverse();
  }

  /** A copy, oldest first. */
  private fillsOf(user: string): UserFill[] {
    return [...(this.accounts.get(user)?.fills ?? [])];
  }

  // ---- /exchange: authentication -----------------------------------------------------------------------------------

  /** Records the call, then authenticates, spends the nonce and runs the action. */
  private exchange(body: any): { response: unknown; hangUp: false | 'destroy' | 'hold' } {
    const record: HlSimExchangeRequest = { body, signer: null, response: null };
    this.exchangeRequests.push(record);
    try {
      const request = parseExchangeRequest(body);
      const { response, executed } = this.authenticateAndRun(request, record);
      record.response = response;
      const hangUp = executed && request.action.type === 'order' ? this.hangUpNext : false;
      if (hangUp) this.hangUpNext = false;
      return { response, hangUp };
    } catch (err) {
      if (err instanceof DeserializeError) record.response = `HTTP 422: ${err.message}`;
      throw err;
    }
  }

  private authenticateAndRun(request: ExchangeRequest, record: HlSimExchangeRequest): { response: unknown; executed: boolean } {
    const auth = request.action.type in USER_SIGNED ? this.authorizeUserSigned(request) : this.authorizeL1(request);
    record.signer = auth.signer;
    if ('error' in auth) return { response: errResponse(auth.error), executed: false };
    const nonceError = this.useNonce(auth.signer, request.nonce);
    if (nonceError) return { response: errResponse(nonceError), executed: false };
    return { response: this.runAction(request.action, auth.master, auth.signer), executed: true };
  }

  /** An L1 action may be signed by the master or one of its approved agents; the agent then acts for its master. */
  private authorizeL1(request: ExchangeRequest): Authorization {
    if (request.vaultAddress)
      return { signer: null, error: 'Vault and sub-account trading is not supported by the Hyperliquid simulator.' };
    let signer: string;
    try {
      signer = lower(recoverL1Signer(request, this.isTestnet));
    } catch (err) {
      return { signer: null, error: `Invalid signature: ${err instanceof Error ? err.message : String(err)}` };
    }
    const master = this.agents.get(signer) ?? (this.accounts.has(signer) ? signer : null);
    if (!master) return { signer, error: `User or API Wallet ${signer} does not exist.` };
    if (request.expiresAfter !== undefined && request.expiresAfter < Date.now())
      return { signer, error: `Action expired: expiresAfter ${request.expiresAfter} has passed.` };
    return { signer, master };
  }

  /** A user-signed action must be signed by the master itself, for this server's chain, with the request's nonce. */
  private authorizeUserSigned(request: ExchangeRequest): Authorization {
    const { action } = request;
    const chain = this.isTestnet ? 'Testnet' : 'Mainnet';
    if (action.hyperliquidChain !== chain)
      return { signer: null, error: `Invalid hyperliquidChain ${String(action.hyperliquidChain)}: this server is ${chain}.` };
    const nonceField = USER_SIGNED[action.type].nonceField;
    if (action[nonceField] !== request.nonce) return { signer: null, error: `Action ${nonceField} must equal the request nonce.` };
    let signer: string;
    try {
      signer = lower(recoverUserSignedSigner(action, request.signature));
    } catch (err) {
      return { signer: null, error: `Invalid signature: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (this.agents.has(signer)) return { signer, error: `API Wallet ${signer} cannot sign ${action.type}: only the master account can.` };
    if (!this.accounts.has(signer)) return { signer, error: `User or API Wallet ${signer} does not exist.` };
    return { signer, master: signer };
  }

  /** Returns an error text, or null after recording the nonce as used. */
  private useNonce(signer: string, nonce: number): string | null {
    const now = Date.now();
    if (nonce <= now - 2 * DAY_MS) return `Invalid nonce: nonce ${nonce} is too low (must be later than ${now - 2 * DAY_MS}).`;
    if (nonce >= now + DAY_MS) return `Invalid nonce: nonce ${nonce} is too high (must be earlier than ${now + DAY_MS}).`;
    const used = this.usedNonces.get(signer) ?? new Set<number>();
    if (used.has(nonce)) return `Invalid nonce: duplicate nonce ${nonce}`;
    used.add(nonce);
    this.usedNonces.set(signer, used);
    return null;
  }

  private runAction(action: Record<string, any>, master: string, signer: string): unknown {
    switch (action.type) {
      case 'order':
        return this.placeOrders(action, master, signer);
      case 'cancel':
        return this.cancel(
          master,
          asArray(action.cancels, 'cancels').map((c) => ({ asset: c.a, matches: (o: HlSimOrder) => o.oid === c.o })),
        );
      case 'cancelByCloid':
        return this.cancel(
          master,
          asArray(action.cancels, 'cancels').map((c) => ({
            asset: c.asset,
            matches: (o: HlSimOrder) => o.cloid === String(c.cloid).toLowerCase(),
          })),
        );
      case 'updateLeverage':
        return this.updateLeverage(master, action);
      case 'approveAgent':
        return this.approveAgent(master, action);
      case 'usdSend':
        return this.usdSend(master, action);
      default:
        throw new DeserializeError(`unknown variant \`${String(action.type)}\``);
    }
  }

  // ---- /exchange: account actions ----------------------------------------------------------------------------------

  private approveAgent(master: string, action: Record<string, any>) {
    const agent = parseAddress(action.agentAddress, 'agentAddress');
    const key = `${master}|${action.agentName ?? ''}`;
    const previous = this.agentsByName.get(key);
    if (previous) this.agents.delete(previous);
    this.agentsByName.set(key, agent);
    this.agents.set(agent, master);
    return DEFAULT_OK;
  }

  private usdSend(master: string, action: Record<string, any>) {
    const destination = parseAddress(action.destination, 'destination');
    const amount = parseDecimal(action.amount);
    if (!amount || amount.lte(0)) return errResponse('Invalid usdSend amount.');
    const from = this.account(master);
    if (amount.gt(this.marginState(from).withdrawable)) return errResponse('Insufficient balance for usdSend.');
    from.usdc = from.usdc.minus(amount);
    const to = this.account(destination);
    to.usdc = to.usdc.plus(amount);
    return DEFAULT_OK;
  }

  private updateLeverage(master: string, action: Record<string, any>) {
    const market = this.markets[action.asset];
    if (!market) return errResponse(`Invalid asset ${String(action.asset)}.`);
    if (!Number.isInteger(action.leverage) || action.leverage < 1 || action.leverage > market.maxLeverage)
      return errResponse('Invalid leverage value');
    if (action.isCross !== true) return errResponse('Isolated margin is not supported by the Hyperliquid simulator.');
    this.account(master).leverage.set(market.name, action.leverage);
    return DEFAULT_OK;
  }

  private cancel(master: string, cancels: Array<{ asset: unknown; matches: (o: HlSimOrder) => boolean }>) {
    const statuses = cancels.map(({ asset, matches }) => {
      const coin = this.markets[asset as number]?.name;
      const order = this.orders.find((o) => o.master === master && o.status === 'open' && o.coin === coin && matches(o));
      if (!order) return { error: 'Order was never placed, already canceled, or filled.' };
      setStatus(order, 'canceled');
      return 'success';
    });
    return { status: 'ok', response: { type: 'cancel', data: { statuses } } };
  }

  // ---- /exchange: orders -------------------------------------------------------------------------------------------

  private placeOrders(action: Record<string, any>, master: string, signer: string) {
    const fees = { takerRate: this.takerRate, builderRate: builderFeeRate(action.builder) };
    const statuses = asArray(action.orders, 'orders').map((wireOrder) => this.placeOrder(wireOrder, master, signer, fees));
    return { status: 'ok', response: { type: 'order', data: { statuses } } };
  }

  private placeOrder(wireOrder: any, master: string, signer: string, fees: Fees): OrderStatusEntry {
    const parsed = this.parseOrder(wireOrder, master);
    if ('error' in parsed) return parsed; // refused before an oid is assigned
    const order: HlSimOrder = {
      master,
      signer,
      oid: this.nextOid++,
      cloid: parsed.cloid,
      coin: parsed.market.name,
      isBuy: parsed.isBuy,
      sz: String(wireOrder.s),
      limitPx: String(wireOrder.p),
      reduceOnly: parsed.reduceOnly,
      tif: parsed.tif,
      status: 'open',
      filledSz: '0',
      timestamp: Date.now(),
      statusTimestamp: Date.now(),
    };
    this.orders.push(order);
    return this.execute(order, parsed, fees);
  }

  /** Checks that refuse an order outright (no oid): asset, order type, size, cloid, price band. */
  private parseOrder(w: any, master: string): ParsedOrder | { error: string } {
    const market = Number.isInteger(w?.a) ? this.markets[w.a] : undefined;
    if (!market) return { error: `Invalid asset ${String(w?.a)}.` };
    if (w.t?.trigger) return { error: 'Trigger orders are not supported by the Hyperliquid simulator.' };
    const tif = w.t?.limit?.tif;
    if (!LIMIT_TIFS.has(tif)) throw new DeserializeError(`unknown variant \`${String(tif)}\` for field \`tif\``);
    const sz = parseDecimal(w.s);
    if (!sz || sz.decimalPlaces() > market.szDecimals) return { error: 'Order has invalid size.' };
    if (sz.isZero()) return { error: 'Order has zero size.' };
    const px = parseDecimal(w.p);
    if (!px || px.isZero()) return { error: 'Order has invalid price.' };
    if (px.minus(market.mid).abs().gt(market.mid.mul(MAX_PRICE_DEVIATION)))
      return { error: `Order price cannot be more than 80% away from the reference price. asset=${w.a}` };
    const cloid = w.c == null ? null : String(w.c).toLowerCase();
    if (cloid !== null && !/^0x[0-9a-f]{32}$/.test(cloid)) return { error: 'Invalid cloid: expected 0x followed by 32 hex digits.' };
    if (cloid !== null && this.orders.some((o) => o.master === master && o.cloid === cloid))
      return { error: `Duplicate cloid ${cloid}. asset=${w.a}` };
    return { asset: w.a, market, isBuy: w.b === true, px, sz, reduceOnly: w.r === true, tif, cloid };
  }

  /** The matching engine's checks (rejections keep their oid and a …Rejected status), then the fills. */
  private execute(order: HlSimOrder, p: ParsedOrder, fees: Fees): OrderStatusEntry {
    const account = this.account(order.master);
    const position = account.positions.get(p.market.name);
    const suffix = `asset=${p.asset}`;
    if (!isValidPrice(p.px, p.market.szDecimals)) return reject(order, 'tickRejected', 'Order has invalid price.');
    let size = p.sz;
    if (p.reduceOnly) {
      if (!position || position.szi.isZero() || position.szi.isPos() === p.isBuy)
        return reject(order, 'reduceOnlyRejected', `Reduce only order would increase position. ${suffix}`);
      size = D.min(size, position.szi.abs());
    } else if (p.px.mul(size).lt(MIN_ORDER_USD)) {
      return reject(order, 'minTradeNtlRejected', 'Order must have minimum value of $10.');
    }
    const crossing = sweep(p.isBuy ? p.market.asks : p.market.bids, p.isBuy, p.px, size);
    const isIoc = p.tif === 'Ioc' || p.tif === 'FrontendMarket';
    if (p.tif === 'Alo' && crossing.length > 0)
      return reject(order, 'badAloPxRejected', `Post only order would have immediately matched, bbo was ${this.bbo(p.market)}. ${suffix}`);
    if (isIoc && crossing.length === 0)
      return reject(order, 'iocCancelRejected', `Order could not immediately match against any resting orders. ${suffix}`);
    const filled = crossing.reduce((sum, f) => sum.plus(f.sz), ZERO);
    const resting = isIoc ? ZERO : size.minus(filled);
    if (!p.reduceOnly && !this.hasMargin(account, p, crossing, resting, fees))
      return reject(order, 'perpMarginRejected', `Insufficient margin to place order. ${suffix}`);
    const avgPx = this.fill(account, order, crossing, fees);
    order.filledSz = filled.toFixed();
    if (resting.gt(0)) {
      setStatus(order, 'open');
      return { resting: { oid: order.oid } };
    }
    setStatus(order, filled.eq(size) ? 'filled' : 'canceled'); // an IOC's unfilled remainder is canceled
    return { filled: { totalSz: wire(filled), avgPx: wire(avgPx, 8), oid: order.oid } };
  }

  /** Cross margin: the exposure the order adds, at the coin's leverage, plus fees, must fit in free collateral. */
  private hasMargin(account: Account, p: ParsedOrder, crossing: Level[], resting: Decimal, fees: Fees): boolean {
    const leverage = this.leverageOf(account, p.market);
    const szi = account.positions.get(p.market.name)?.szi ?? ZERO;
    const filled = crossing.reduce((sum, f) => sum.plus(f.sz), ZERO);
    const filledNotional = crossing.reduce((sum, f) => sum.plus(f.px.mul(f.sz)), ZERO);
    const avgPx = filled.isZero() ? ZERO : filledNotional.div(filled);
    const after = szi.plus(p.isBuy ? filled : filled.neg());
    const added = D.max(ZERO, after.abs().minus(szi.abs())).mul(avgPx).plus(resting.mul(p.px));
    const fee = filledNotional.mul(fees.takerRate.plus(fees.builderRate));
    return added.div(leverage).plus(fee).lte(this.marginState(account).withdrawable);
  }

  /** Applies each swept level as one fill (one userFill each, sharing the order's hash); returns the average price. */
  private fill(account: Account, order: HlSimOrder, crossing: Level[], fees: Fees): Decimal {
    const time = Date.now();
    const hash = keccakUtf8(`hyperliquid-sim:${order.master}:${order.oid}`);
    let notional = ZERO;
    let size = ZERO;
    for (const level of crossing) {
      account.fills.push(this.applyFill(account, order, level, fees, time, hash));
      notional = notional.plus(level.px.mul(level.sz));
      size = size.plus(level.sz);
    }
    return size.isZero() ? ZERO : notional.div(size);
  }

  private applyFill(account: Account, order: HlSimOrder, { px, sz }: Level, fees: Fees, time: number, hash: string): UserFill {
    const before = account.positions.get(order.coin) ?? { szi: ZERO, entryPx: ZERO };
    const change = positionChange(before, order.isBuy ? sz : sz.neg(), px);
    const notional = px.mul(sz);
    const builderFee = notional.mul(fees.builderRate).toDecimalPlaces(6);
    const fee = notional.mul(fees.takerRate).toDecimalPlaces(6).plus(builderFee);
    account.positions.set(order.coin, change.after);
    account.usdc = account.usdc.plus(change.closedPnl).minus(fee);
    return {
      coin: order.coin,
      px: wire(px),
      sz: wire(sz),
      side: order.isBuy ? 'B' : 'A',
      time,
      startPosition: wire(before.szi),
      dir: change.dir,
      closedPnl: wire(change.closedPnl),
      hash,
      oid: order.oid,
      crossed: true,
      fee: wire(fee),
      ...(builderFee.gt(0) ? { builderFee: wire(builderFee) } : {}),
      tid: this.nextTid++,
      ...(order.cloid ? { cloid: order.cloid } : {}),
      feeToken: 'USDC',
      twapId: null,
    };
  }

  // ---- accounts and margin -----------------------------------------------------------------------------------------

  private account(address: string): Account {
    let account = this.accounts.get(address);
    if (!account) {
      account = emptyAccount();
      this.accounts.set(address, account);
    }
    return account;
  }

  private leverageOf(account: Account, market: Market): number {
    return account.leverage.get(market.name) ?? Math.min(DEFAULT_LEVERAGE, market.maxLeverage);
  }

  /** Cross-margin figures at the current mids, named as in clearinghouseState. */
  private marginState(account: Account) {
    const positions = [...account.positions]
      .filter(([, p]) => !p.szi.isZero())
      .map(([coin, p]) => {
        const market = this.marketByName(coin) as Market;
        const leverage = this.leverageOf(account, market);
        const value = p.szi.abs().mul(market.mid);
        const pnl = p.szi.mul(market.mid.minus(p.entryPx));
        const entryMargin = p.szi.abs().mul(p.entryPx).div(leverage);
        return {
          coin,
          szi: p.szi,
          entryPx: p.entryPx,
          mark: market.mid,
          leverage,
          maxLeverage: market.maxLeverage,
          value,
          pnl,
          marginUsed: value.div(leverage),
          roe: pnl.div(entryMargin),
        };
      });
    const sum = (pick: (p: (typeof positions)[number]) => Decimal) => positions.reduce((total, p) => total.plus(pick(p)), ZERO);
    const accountValue = account.usdc.plus(sum((p) => p.pnl));
    const totalMarginUsed = sum((p) => p.marginUsed);
    return {
      positions,
      accountValue,
      totalNtlPos: sum((p) => p.value),
      totalRawUsd: accountValue.minus(sum((p) => p.szi.mul(p.mark))),
      totalMarginUsed,
      maintenanceMargin: positions.reduce((total, p) => total.plus(p.value.div(2 * p.maxLeverage)), ZERO),
      withdrawable: D.max(ZERO, accountValue.minus(totalMarginUsed)),
    };
  }

  // ---- markets and the synthetic book ------------------------------------------------------------------------------

  private newMarket(m: HlSimMarket): Market {
    const mid = new D(m.mid);
    const market: Market = { name: m.name, szDecimals: m.szDecimals, maxLeverage: m.maxLeverage, mid, prevDayPx: mid, bids: [], asks: [] };
    this.rebuildBook(market);
    return market;
  }

  private marketByName(coin: string): Market | undefined {
    return this.markets.find((m) => m.name === coin);
  }

  private rebuildBook(market: Market): void {
    const { bids, asks } = buildBook(market.mid, market.szDecimals, this.depth);
    market.bids = bids;
    market.asks = asks;
  }

  private bbo(market: Market): string {
    return `${wire(market.bids[0]?.px ?? ZERO)}@${wire(market.asks[0]?.px ?? ZERO)}`;
  }
}

// ---- signature recovery (exported so tests can check it against the reference vectors) ------------------------------

/** Address that signed an L1 action (phantom agent over the msgpack action hash), as Hyperliquid recovers it. */
export function recoverL1Signer(
  request: {
    action: Record<string, unknown>;
    nonce: number;
    signature: unknown;
    vaultAddress?: string | null;
    expiresAfter?: number | null;
  },
  isTestnet: boolean,
): string {
  const connectionId = createL1ActionHash({
    action: request.action,
    nonce: request.nonce,
    vaultAddress: request.vaultAddress ? (request.vaultAddress.toLowerCase() as `0x${string}`) : undefined,
    expiresAfter: request.expiresAfter ?? undefined,
  });
  return verifyTypedData(L1_DOMAIN, AGENT_TYPES, { source: isTestnet ? 'b' : 'a', connectionId }, toEthersSignature(request.signature));
}

/** Address that signed a user-signed action (approveAgent, usdSend) in the HyperliquidSignTransaction domain. */
export function recoverUserSignedSigner(action: Record<string, any>, signature: unknown): string {
  const spec = USER_SIGNED[action.type];
  if (!spec) throw new Error(`${String(action.type)} is not a user-signed action the simulator knows`);
  const chainId = parseInt(String(action.signatureChainId), 16);
  if (!Number.isSafeInteger(chainId)) throw new Error('signatureChainId must be a hex chain id');
  // An approveAgent without a name is posted without agentName (or with null) but signed with ''.
  const message = Object.fromEntries(spec.fields.map(({ name }) => [name, name === 'agentName' ? (action.agentName ?? '') : action[name]]));
  const domain = { name: 'HyperliquidSignTransaction', version: '1', chainId, verifyingContract: ZERO_ADDRESS };
  return verifyTypedData(domain, { [spec.primaryType]: spec.fields }, message, toEthersSignature(signature));
}

/** {r, s, v} as posted; r and s may have dropped leading zeros (the Python SDK does), v is 27 or 28. */
function toEthersSignature(signature: unknown): Signature {
  const { r, s, v } = (signature ?? {}) as Partial<HlSignature>;
  const hex32 = (x: unknown, name: string) => {
    if (typeof x !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(x))
      throw new Error(`signature.${name} must be a hex string of at most 32 bytes`);
    return `0x${x.slice(2).padStart(64, '0')}`;
  };
  if (v !== 27 && v !== 28) throw new Error('signature.v must be 27 or 28');
  return Signature.from({ r: hex32(r, 'r'), s: hex32(s, 's'), v });
}

// ---- pure helpers ------------------------------------------------------------------------------------------------

function defaultMarkets(): HlSimMarket[] {
  return (
    venueMarkets as Array<{
      venue: string;
      token_symbol: string;
      market_index: number;
      max_leverage: number;
      current_price: string | null;
      metadata: { szDecimals?: number };
    }>
  )
    .filter((row) => row.venue === 'HYPERLIQUID')
    .sort((a, b) => a.market_index - b.market_index)
    .map((row, index) => {
      if (row.market_index !== index || row.current_price == null || row.metadata.szDecimals == null) {
        throw new Error(`venue-markets.json: Hyperliquid row ${row.token_symbol} cannot seed the simulator's universe`);
      }
      return { name: row.token_symbol, szDecimals: row.metadata.szDecimals, maxLeverage: row.max_leverage, mid: row.current_price };
    });
}

function emptyAccount(): Account {
  return { usdc: ZERO, positions: new Map(), leverage: new Map(), fills: [] };
}

/** Hyperliquid's perp price rule: an integer, or at most 5 significant figures and 6 − szDecimals decimals. */
function isValidPrice(px: Decimal, szDecimals: number): boolean {
  if (px.lte(0)) return false;
  if (px.isInteger()) return true;
  return px.decimalPlaces() <= 6 - szDecimals && px.precision() <= 5;
}

/** The smallest price step valid at this price (1 above 99,999, where integers are always allowed). */
function tickSize(px: Decimal, szDecimals: number): Decimal {
  const exponent = Math.min(0, Math.max(-(6 - szDecimals), px.e - 4));
  return new D(10).pow(exponent);
}

function roundToTick(px: Decimal, szDecimals: number, rounding: Decimal.Rounding): Decimal {
  const tick = tickSize(px, szDecimals);
  return px.div(tick).toDecimalPlaces(0, rounding).mul(tick);
}

/**
 * Levels about 1 bp apart on valid ticks, strictly outside the mid, level i holding about (i + 1) × $25k
 * (at least one lot), n = i + 1 orders.
 */
function buildBook(mid: Decimal, szDecimals: number, depth: number): { bids: Level[]; asks: Level[] } {
  const tick = tickSize(mid, szDecimals);
  const step = D.max(1, mid.mul(LEVEL_SPACING).div(tick).toDecimalPlaces(0)).mul(tick);
  const lot = new D(10).pow(-szDecimals);
  const size = (i: number, px: Decimal) =>
    D.max(
      lot,
      LEVEL_NOTIONAL_USD.mul(i + 1)
        .div(px)
        .toDecimalPlaces(szDecimals, Decimal.ROUND_DOWN),
    );
  const bid0 = roundToTick(mid, szDecimals, Decimal.ROUND_DOWN);
  const ask0 = roundToTick(mid, szDecimals, Decimal.ROUND_UP);
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < depth; i++) {
    let bidPx = roundToTick((bid0.eq(mid) ? bid0.minus(tick) : bid0).minus(step.mul(i)), szDecimals, Decimal.ROUND_DOWN);
    let askPx = roundToTick((ask0.eq(mid) ? ask0.plus(tick) : ask0).plus(step.mul(i)), szDecimals, Decimal.ROUND_UP);
    const prevBid = bids[bids.length - 1]?.px;
    const prevAsk = asks[asks.length - 1]?.px;
    if (prevBid && bidPx.gte(prevBid)) bidPx = roundToTick(prevBid.minus(tickSize(prevBid, szDecimals)), szDecimals, Decimal.ROUND_DOWN);
    if (prevAsk && askPx.lte(prevAsk)) askPx = roundToTick(prevAsk.plus(tickSize(prevAsk, szDecimals)), szDecimals, Decimal.ROUND_UP);
    if (bidPx.gt(0)) bids.push({ px: bidPx, sz: size(i, bidPx), n: i + 1 });
    asks.push({ px: askPx, sz: size(i, askPx), n: i + 1 });
  }
  return { bids, asks };
}

/** Takes liquidity level by level while the level's price is within the limit; the book itself is not consumed. */
function sweep(levels: Level[], isBuy: boolean, limitPx: Decimal, size: Decimal): Level[] {
  const taken: Level[] = [];
  let left = size;
  for (const level of levels) {
    if (left.lte(0) || (isBuy ? level.px.gt(limitPx) : level.px.lt(limitPx))) break;
    const sz = D.min(left, level.sz);
    taken.push({ px: level.px, sz, n: level.n });
    left = left.minus(sz);
  }
  return taken;
}

/** A signed trade of `delta` at `px` against a one-way position: new position, realised PnL, fill direction. */
function positionChange(before: Position, delta: Decimal, px: Decimal): { after: Position; closedPnl: Decimal; dir: string } {
  const { szi, entryPx } = before;
  const reducing = !szi.isZero() && szi.isPos() !== delta.isPos();
  const closed = reducing ? D.min(delta.abs(), szi.abs()) : ZERO;
  const opened = delta.abs().minus(closed);
  const closedPnl = closed
    .mul(px.minus(entryPx))
    .mul(szi.isPos() ? 1 : -1)
    .toDecimalPlaces(6);
  const sziAfter = szi.plus(delta);
  let entryAfter = entryPx;
  if (sziAfter.isZero()) entryAfter = ZERO;
  else if (reducing && opened.gt(0))
    entryAfter = px; // flipped: the remainder opens at the fill price
  else if (!reducing) entryAfter = szi.abs().mul(entryPx).plus(opened.mul(px)).div(sziAfter.abs());
  return { after: { szi: sziAfter, entryPx: entryAfter }, closedPnl, dir: direction(szi, sziAfter, reducing) };
}

function direction(before: Decimal, after: Decimal, reducing: boolean): string {
  if (!reducing) return after.isPos() ? 'Open Long' : 'Open Short';
  if (!after.isZero() && after.isPos() !== before.isPos()) return before.isPos() ? 'Long > Short' : 'Short > Long';
  return before.isPos() ? 'Close Long' : 'Close Short';
}

/** Builder fee rate: f is in tenths of a basis point. */
function builderFeeRate(builder: unknown): Decimal {
  const f = (builder as { f?: unknown } | undefined)?.f;
  return Number.isInteger(f) ? new D(f as number).div(100_000) : ZERO;
}

function reject(order: HlSimOrder, status: string, error: string): { error: string } {
  setStatus(order, status);
  return { error };
}

function setStatus(order: HlSimOrder, status: string): void {
  order.status = status;
  order.statusTimestamp = Date.now();
}

function frontendOrderView(o: HlSimOrder) {
  const remaining = o.status === 'filled' ? ZERO : new D(o.sz).minus(o.filledSz);
  return {
    coin: o.coin,
    side: o.isBuy ? 'B' : 'A',
    limitPx: wire(new D(o.limitPx)),
    sz: wire(remaining),
    oid: o.oid,
    timestamp: o.timestamp,
    triggerCondition: 'N/A',
    isTrigger: false,
    triggerPx: '0.0',
    children: [],
    isPositionTpsl: false,
    reduceOnly: o.reduceOnly,
    orderType: o.tif === 'FrontendMarket' ? 'Market' : 'Limit',
    origSz: wire(new D(o.sz)),
    tif: o.tif,
    cloid: o.cloid,
  };
}

function openOrderView(o: HlSimOrder) {
  return {
    coin: o.coin,
    side: o.isBuy ? 'B' : 'A',
    limitPx: wire(new D(o.limitPx)),
    sz: wire(new D(o.sz).minus(o.filledSz)),
    oid: o.oid,
    timestamp: o.timestamp,
    origSz: wire(new D(o.sz)),
    ...(o.cloid ? { cloid: o.cloid } : {}),
    ...(o.reduceOnly ? { reduceOnly: true } : {}),
  };
}

function orderStatusView(o: HlSimOrder) {
  return { status: 'order', order: { order: frontendOrderView(o), status: o.status, statusTimestamp: o.statusTimestamp } };
}

/** Hyperliquid's number style: plain decimal, no exponent, trailing zeros trimmed, integers as "123.0". */
function wire(value: Decimal, decimals?: number): string {
  const rounded = decimals === undefined ? value : value.toDecimalPlaces(decimals);
  if (rounded.isZero()) return '0.0';
  const text = rounded.toFixed();
  return text.includes('.') ? text : `${text}.0`;
}

/** Unsigned decimal strings only (prices, sizes and amounts are strings on the wire); null when not one. */
function parseDecimal(value: unknown): Decimal | null {
  return typeof value === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(value) ? new D(value) : null;
}

function parseAddress(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value))
    throw new DeserializeError(`invalid \`${field}\`: expected a 20-byte hex address`);
  return value.toLowerCase();
}

function parseExchangeRequest(body: any): ExchangeRequest {
  const action = body?.action;
  if (typeof action !== 'object' || action === null || typeof action.type !== 'string')
    throw new DeserializeError('missing field `action`');
  if (!L1_ACTIONS.has(action.type) && !(action.type in USER_SIGNED))
    throw new DeserializeError(`unknown variant \`${action.type}\` (not simulated)`);
  if (!Number.isSafeInteger(body.nonce) || body.nonce < 0) throw new DeserializeError('invalid `nonce`: expected an unsigned integer');
  if (body.signature === undefined) throw new DeserializeError('missing field `signature`');
  if (body.expiresAfter != null && !Number.isSafeInteger(body.expiresAfter)) throw new DeserializeError('invalid `expiresAfter`');
  return {
    action,
    nonce: body.nonce,
    signature: body.signature,
    vaultAddress: body.vaultAddress ?? undefined,
    expiresAfter: body.expiresAfter ?? undefined,
  };
}

function asArray(value: unknown, field: string): any[] {
  if (!Array.isArray(value)) throw new DeserializeError(`invalid \`${field}\`: expected a sequence`);
  return value;
}

function errResponse(message: string) {
  return { status: 'err', response: message };
}

function lower(address: string): string {
  return address.toLowerCase();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new DeserializeError('the body is not JSON');
  }
}

function sendJson(res: ServerResponse, body: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}
