/**
 * A local Hyperliquid-compatible HTTP server for tests (test support, not product code).
 *
 * Mimics the parts of https://api.hyperliquid.xyz that a perp trading client uses, in the shapes recorded from the
 * live API (python-SDK cassettes, CCXT fixtures, the GitBook examples) and typed by @nktkas/hyperliquid:
 * - POST /info: meta, metaAndAssetCtxs, allMids, l2Book, clearinghouseState, openOrders, frontendOpenOrders,
 *   orderStatus (by oid or cloid), historicalOrders, userFills, userFillsByTime (the first 2,000 fills from startTime,
 *   oldest first), userNonFundingLedgerUpdates (what a test scripted, and the usdSends that went through). An unknown
 *   type answers HTTP 422.
 *   A watched wallet's clearinghouseState can be scripted (scriptAccount: equity and positions as a test says).
 * - POST /exchange: the L1 actions order, cancel, cancelByCloid and updateLeverage, signed by a master account or by
 *   an agent (API wallet) the master approved; the user-signed actions approveAgent and usdSend, signed by the master.
 *   Signers are recovered exactly as Hyperliquid does (EIP-712 "Agent" over the msgpack action hash, or the
 *   HyperliquidSignTransaction domain), so a tampered body recovers a stranger: "User or API Wallet … does not exist."
 *   A nonce is usable once per signer and must lie within (now − 2 days, now + 1 day) of the server's clock (options.now); it
 *   is spent once the signature and the window pass, even when the action itself is then refused (insufficient balance).
 *   A usdSend that goes through appears in both accounts' userNonFundingLedgerUpdates as a "send" delta with its nonce.
 * - Orders: tick rule (5 significant figures, 6 − szDecimals decimals, integers always allowed), lot rule (szDecimals),
 *   $10 minimum, the 80% price band, cloids, reduce-only, a cross-margin check at the coin's leverage (20x by default,
 *   capped by maxLeverage), taker fee (+ builder fee when the action names one). IOC orders sweep a synthetic book
 *   around the mid up to their limit (partial fills possible); Gtc orders rest for what does not cross; Alo orders
 *   rest or are rejected. Fills update the signed position (average entry, realised PnL on reductions) and the USDC
 *   balance; accountValue = USDC + unrealised PnL at the mid.
 *
 * Rate limits, when a test turns them on (limitRequests): Hyperliquid's request weights summed per IP over 60 s;
 * over the limit a request answers HTTP 429 (plain text: no recorded body shape). Off by default.
 *
 * Liquidations happen only when a test calls liquidate() (the venue closes the position and records the liquidation
 * fill in the recorded wire format).
 *
 * Deliberately NOT simulated: funding payments (metaAndAssetCtxs reports the rate a test set with setFunding, 0 by
 * default), liquidations on their own and maintenance-margin enforcement (liquidationPx is null), isolated margin,
 * vaults and sub-accounts (vaultAddress is refused), spot, HIP-3 dexes, trigger / TP-SL / TWAP orders, builder-fee
 * approval, websockets, and maker fills: the book is static (rebuilt only by setMid, not consumed by
 * fills) and resting orders never fill. The nonce rule is simplified (no "100 highest nonces" set).
 * All amounts are decimal.js values, strings on the wire.
 *
 * This file is the HTTP transport and the test controls; the parts live in ./hyperliquid/: info queries (info.ts),
 * authentication and account actions (exchange.ts), the matching engine (matching.ts), accounts and margin (state.ts),
 * the synthetic book (book.ts), signature recovery (signatures.ts) and the wire formats (wire.ts).
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { authenticateAndRun, isSimulatedAction } from './hyperliquid/exchange';
import { infoResponse } from './hyperliquid/info';
import { HlSimLiquidation, liquidatePosition } from './hyperliquid/liquidation';
import { exchangeRequestWeight, HlSimRateLimit, infoItemWeight, infoRequestWeight, WeightLedger } from './hyperliquid/rate-limit';
import { SimState } from './hyperliquid/state';
import {
  D,
  DeserializeError,
  HlSimExchangeRequest,
  HlSimOptions,
  HlSimOrder,
  LedgerUpdate,
  ScriptedAccount,
  UserFill,
} from './hyperliquid/types';
import { lower, parseExchangeRequest } from './hyperliquid/wire';

export type { HlSignature, HlSimExchangeRequest, HlSimMarket, HlSimOptions, HlSimOrder } from './hyperliquid/types';
export type { HlSimLiquidation } from './hyperliquid/liquidation';
export type { HlSimRateLimit } from './hyperliquid/rate-limit';
export type {
  LedgerUpdate as HlSimLedgerUpdate,
  ScriptedAccount as HlSimScriptedAccount,
  UserFill as HlSimFill,
} from './hyperliquid/types';
export { multiSigActionHash, recoverL1Signer, recoverMultiSigSigners, recoverUserSignedSigner } from './hyperliquid/signatures';

type HangUp = false | 'destroy' | 'hold';

/** Starts a simulator on 127.0.0.1 with an ephemeral port. Close it with sim.close(). */
export async function startHyperliquidServer(opts: HlSimOptions = {}): Promise<HyperliquidSim> {
  const sim = new HyperliquidSim(opts);
  await sim.listen();
  return sim;
}

export class HyperliquidSim {
  /** Every order that received an oid, in placement order. */
  readonly orders: HlSimOrder[];
  /** Every /exchange call, in arrival order. */
  readonly exchangeRequests: HlSimExchangeRequest[] = [];

  private readonly state: SimState;
  private readonly server: Server;
  private hangUpNext: HangUp = false;
  private readonly held = new Set<ServerResponse>();
  private heldListeners: ((order: HlSimOrder) => void)[] = [];
  private down = false;
  private baseUrl = '';
  private weights: WeightLedger | null = null;
  /** Requests answered 429, in arrival order. */
  readonly throttled: Array<{ ip: string; type: string }> = [];

  constructor(opts: HlSimOptions = {}) {
    this.state = new SimState(opts);
    this.orders = this.state.orders;
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
    const market = this.state.marketByName(coin);
    if (!market) throw new Error(`unknown coin ${coin}`);
    this.state.setMid(market, px);
  }

  /** Sets the hourly funding rate metaAndAssetCtxs reports for a coin (a signed decimal string); no funding is paid. */
  setFunding(coin: string, rate: string): void {
    const market = this.state.marketByName(coin);
    if (!market) throw new Error(`unknown coin ${coin}`);
    market.funding = new D(rate);
  }

  /** Credits a master account's USDC (creating the account). */
  fund(master: string, usdc: string): void {
    const account = this.state.account(lower(master));
    account.usdc = account.usdc.plus(usdc);
  }

  /** Test shortcut for the signed approveAgent action (also creates the master account). */
  approveAgentDirectly(master: string, agent: string): void {
    this.state.account(lower(master));
    this.state.agents.set(lower(agent), lower(master));
  }

  /**
   * The venue liquidates the master's whole position in `coin` (at `px`, default the mid): the position is gone and
   * the fill feed holds a liquidation fill, as Hyperliquid records one. Returns that fill.
   */
  liquidate(master: string, coin: string, opts: HlSimLiquidation = {}): UserFill {
    return liquidatePosition(this.state, lower(master), coin, opts);
  }

  /** Non-zero positions, as plain decimal strings (entryPx to 8 decimals). */
  positions(master: string): Array<{ coin: string; szi: string; entryPx: string }> {
    const account = this.state.accounts.get(lower(master));
    if (!account) return [];
    return [...account.positions]
      .filter(([, p]) => !p.szi.isZero())
      .map(([coin, p]) => ({ coin, szi: p.szi.toFixed(), entryPx: p.entryPx.toDecimalPlaces(8).toFixed() }));
  }

  /** The asset index of a coin (its position in the universe). */
  assetIndex(coin: string): number {
    const index = this.state.markets.findIndex((m) => m.name === coin);
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

  /**
   * Appends fills to a wallet's feed (kept oldest first) as they are on the wire; they change no position or balance.
   * Other wallets' fills made by real orders are untouched.
   */
  scriptFills(user: string, fills: UserFill[]): void {
    const account = this.state.account(lower(user));
    account.fills.push(...fills);
    account.fills.sort((a, b) => a.time - b.time);
  }

  /** Appends userNonFundingLedgerUpdates entries (kept oldest first); they change no balance. */
  scriptLedger(user: string, updates: LedgerUpdate[]): void {
    const account = this.state.account(lower(user));
    account.ledger.push(...updates);
    account.ledger.sort((a, b) => a.time - b.time);
  }

  /**
   * Makes clearinghouseState answer this account for `user` (a watched wallet: equity and positions as the test says,
   * in the recorded shape) instead of the simulated margin; null goes back to the simulation.
   */
  scriptAccount(user: string, account: ScriptedAccount | null): void {
    this.state.account(lower(user)).scripted = account ?? undefined;
  }

  /** Charges Hyperliquid's request weights per IP and answers 429 over the limit; null turns it off (the default). */
  limitRequests(limit: HlSimRateLimit | null): void {
    this.weights = limit ? new WeightLedger(limit) : null;
  }

  /** Weight the IP spent in the last 60 s (0 while limits are off). */
  weightUsed(ip = '127.0.0.1'): number {
    return this.weights?.used(ip) ?? 0;
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
      const body = parseJson(await readBody(req)) as any;
      const ip = req.socket.remoteAddress ?? 'unknown';
      const weight = req.url === '/info' ? infoRequestWeight(body?.type) : exchangeRequestWeight(body);
      if (this.weights && !this.weights.admit(ip, weight)) {
        this.throttled.push({ ip, type: String(req.url === '/info' ? body?.type : body?.action?.type) });
        return sendText(res, 429, 'Too Many Requests');
      }
      if (req.url === '/info') {
        const answer = infoResponse(this.state, body);
        this.weights?.charge(ip, infoItemWeight(body?.type, answer));
        return sendJson(res, answer);
      }
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

  /** Records the call, then authenticates, spends the nonce and runs the action. */
  private exchange(body: any): { response: unknown; hangUp: HangUp } {
    const record: HlSimExchangeRequest = { body, signer: null, response: null };
    this.exchangeRequests.push(record);
    try {
      const request = parseExchangeRequest(body, isSimulatedAction);
      const { response, executed, signer } = authenticateAndRun(this.state, request);
      record.signer = signer;
      record.response = response;
      const hangUp = executed && request.action.type === 'order' ? this.hangUpNext : false;
      if (hangUp) this.hangUpNext = false;
      return { response, hangUp };
    } catch (err) {
      if (err instanceof DeserializeError) record.response = `HTTP 422: ${err.message}`;
      throw err;
    }
  }
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
