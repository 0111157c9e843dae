/**
 * POST /exchange after the envelope is read: who signed (a master, or an agent it approved), the nonce rule, then the
 * action itself (orders go to the matching engine; the account actions are here).
 */
import { randomBytes } from 'node:crypto';
import { placeOrders } from './matching';
import { nonceFieldOf, recoverL1Signer, recoverUserSignedSigner } from './signatures';
import { setStatus, SimState } from './state';
import { DAY_MS, DeserializeError, ExchangeRequest, HlSimOrder } from './types';
import { asArray, DEFAULT_OK, errResponse, lower, parseAddress, parseDecimal } from './wire';

const L1_ACTIONS = new Set(['order', 'cancel', 'cancelByCloid', 'updateLeverage']);
/** Signed by the master in the HyperliquidSignTransaction domain. */
const USER_SIGNED_ACTIONS = new Set(['approveAgent', 'usdSend']);

type Authorization = { signer: string; master: string } | { signer: string | null; error: string };

/** The action types the server runs (others are refused with HTTP 422). */
export function isSimulatedAction(type: string): boolean {
  return L1_ACTIONS.has(type) || USER_SIGNED_ACTIONS.has(type);
}

/** Authenticates, spends the nonce and runs the action; `signer` is the recovered signer (null if none). */
export function authenticateAndRun(
  state: SimState,
  request: ExchangeRequest,
): { response: unknown; executed: boolean; signer: string | null } {
  const auth = USER_SIGNED_ACTIONS.has(request.action.type) ? authorizeUserSigned(state, request) : authorizeL1(state, request);
  if ('error' in auth) return { response: errResponse(auth.error), executed: false, signer: auth.signer };
  const nonceError = useNonce(state, auth.signer, request.nonce);
  if (nonceError) return { response: errResponse(nonceError), executed: false, signer: auth.signer };
  return { response: runAction(state, request.action, auth.master, auth.signer), executed: true, signer: auth.signer };
}

/** An L1 action may be signed by the master or one of its approved agents; the agent then acts for its master. */
function authorizeL1(state: SimState, request: ExchangeRequest): Authorization {
  if (request.vaultAddress) return { signer: null, error: 'Vault and sub-account trading is not supported by the Hyperliquid simulator.' };
  let signer: string;
  try {
    signer = lower(recoverL1Signer(request, state.isTestnet));
  } catch (err) {
    return { signer: null, error: `Invalid signature: ${err instanceof Error ? err.message : String(err)}` };
  }
  const master = state.agents.get(signer) ?? (state.accounts.has(signer) ? signer : null);
  if (!master) return { signer, error: `User or API Wallet ${signer} does not exist.` };
  if (request.expiresAfter !== undefined && request.expiresAfter < Date.now())
    return { signer, error: `Action expired: expiresAfter ${request.expiresAfter} has passed.` };
  return { signer, master };
}

/** A user-signed action must be signed by the master itself, for this server's chain, with the request's nonce. */
function authorizeUserSigned(state: SimState, request: ExchangeRequest): Authorization {
  const { action } = request;
  const chain = state.isTestnet ? 'Testnet' : 'Mainnet';
  if (action.hyperliquidChain !== chain)
    return { signer: null, error: `Invalid hyperliquidChain ${String(action.hyperliquidChain)}: this server is ${chain}.` };
  const nonceField = nonceFieldOf(action.type);
  if (action[nonceField] !== request.nonce) return { signer: null, error: `Action ${nonceField} must equal the request nonce.` };
  let signer: string;
  try {
    signer = lower(recoverUserSignedSigner(action, request.signature));
  } catch (err) {
    return { signer: null, error: `Invalid signature: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (state.agents.has(signer)) return { signer, error: `API Wallet ${signer} cannot sign ${action.type}: only the master account can.` };
  if (!state.accounts.has(signer)) return { signer, error: `User or API Wallet ${signer} does not exist.` };
  return { signer, master: signer };
}

/** Returns an error text, or null after recording the nonce as used. */
function useNonce(state: SimState, signer: string, nonce: number): string | null {
  const now = state.now();
  if (nonce <= now - 2 * DAY_MS) return `Invalid nonce: nonce ${nonce} is too low (must be later than ${now - 2 * DAY_MS}).`;
  if (nonce >= now + DAY_MS) return `Invalid nonce: nonce ${nonce} is too high (must be earlier than ${now + DAY_MS}).`;
  const used = state.usedNonces.get(signer) ?? new Set<number>();
  if (used.has(nonce)) return `Invalid nonce: duplicate nonce ${nonce}`;
  used.add(nonce);
  state.usedNonces.set(signer, used);
  return null;
}

function runAction(state: SimState, action: Record<string, any>, master: string, signer: string): unknown {
  switch (action.type) {
    case 'order':
      return placeOrders(state, action, master, signer);
    case 'cancel':
      return cancel(
        state,
        master,
        asArray(action.cancels, 'cancels').map((c) => ({ asset: c.a, matches: (o: HlSimOrder) => o.oid === c.o })),
      );
    case 'cancelByCloid':
      return cancel(
        state,
        master,
        asArray(action.cancels, 'cancels').map((c) => ({
          asset: c.asset,
          matches: (o: HlSimOrder) => o.cloid === String(c.cloid).toLowerCase(),
        })),
      );
    case 'updateLeverage':
      return updateLeverage(state, master, action);
    case 'approveAgent':
      return approveAgent(state, master, action);
    case 'usdSend':
      return usdSend(state, master, action);
    default:
      throw new DeserializeError(`unknown variant \`${String(action.type)}\``);
  }
}

function approveAgent(state: SimState, master: string, action: Record<string, any>) {
  const agent = parseAddress(action.agentAddress, 'agentAddress');
  const key = `${master}|${action.agentName ?? ''}`;
  const previous = state.agentsByName.get(key);
  if (previous) state.agents.delete(previous);
  state.agentsByName.set(key, agent);
  state.agents.set(agent, master);
  return DEFAULT_OK;
}

function usdSend(state: SimState, master: string, action: Record<string, any>) {
  const destination = parseAddress(action.destination, 'destination');
  const amount = parseDecimal(action.amount);
  if (!amount || amount.lte(0)) return errResponse('Invalid usdSend amount.');
  const from = state.account(master);
  if (amount.gt(state.marginState(from).withdrawable)) return errResponse('Insufficient balance for usdSend.');
  from.usdc = from.usdc.minus(amount);
  const to = state.account(destination);
  to.usdc = to.usdc.plus(amount);
  // Both accounts' userNonFundingLedgerUpdates show the transfer as Hyperliquid records a usdSend: a "send" delta with its nonce.
  const update = {
    time: state.now(),
    hash: `0x${randomBytes(32).toString('hex')}`,
    delta: {
      type: 'send',
      user: master,
      destination,
      sourceDex: '',
      destinationDex: '',
      token: 'USDC',
      amount: amount.toFixed(),
      usdcValue: amount.toFixed(),
      fee: '0.0',
      nativeTokenFee: '0.0',
      nonce: action.time,
      feeToken: '',
    },
  };
  from.ledger.push(update);
  if (to !== from) to.ledger.push({ ...update, delta: { ...update.delta } });
  return DEFAULT_OK;
}

function updateLeverage(state: SimState, master: string, action: Record<string, any>) {
  const market = state.markets[action.asset];
  if (!market) return errResponse(`Invalid asset ${String(action.asset)}.`);
  if (!Number.isInteger(action.leverage) || action.leverage < 1 || action.leverage > market.maxLeverage)
    return errResponse('Invalid leverage value');
  if (action.isCross !== true) return errResponse('Isolated margin is not supported by the Hyperliquid simulator.');
  state.account(master).leverage.set(market.name, action.leverage);
  return DEFAULT_OK;
}

function cancel(state: SimState, master: string, cancels: Array<{ asset: unknown; matches: (o: HlSimOrder) => boolean }>) {
  const statuses = cancels.map(({ asset, matches }) => {
    const coin = state.markets[asset as number]?.name;
    const order = state.orders.find((o) => o.master === master && o.status === 'open' && o.coin === coin && matches(o));
    if (!order) return { error: 'Order was never placed, already canceled, or filled.' };
    setStatus(order, 'canceled');
    return 'success';
  });
  return { status: 'ok', response: { type: 'cancel', data: { statuses } } };
}
