import { dec } from '@conduit/domain';

/**
 * Any wallet's activity as Hyperliquid's /info answers it (userFillsByTime, clearinghouseState,
 * userNonFundingLedgerUpdates), read by pure functions into typed records. Decimals stay the recorded strings; integers
 * that some recordings spell as strings (CCXT's fixtures) are read either way. Checked against the recorded answers of
 * hyperliquid_api/*.json (wallet-parsers.spec.ts).
 */

/** One fill of a watched wallet (any coin: perps, spot "@107" / "PURR/USDC", HIP-3 "dex:COIN"). */
export interface WalletFill {
  coin: string;
  side: 'BUY' | 'SELL';
  px: string;
  sz: string;
  time: number;
  /** Signed position before the fill. */
  startPosition: string;
  /** "Open Long", "Close Short", "Long > Short", … as Hyperliquid names it. */
  dir: string;
  closedPnl: string;
  fee: string;
  feeToken: string | null;
  hash: string;
  oid: string;
  /** Trade id; older recordings (2023) have none. */
  tid: string | null;
  crossed: boolean;
  cloid: string | null;
  /** Set on fills the liquidation engine made. */
  liquidation: { liquidatedUser: string | null; markPx: string; method: string } | null;
  /** `hash:tid` (or, without a tid, hash, oid, time, px, sz and startPosition): the same fill read twice has the same key. */
  key: string;
}

export interface WalletPosition {
  coin: string;
  /** Signed size (negative = short). */
  szi: string;
  entryPx: string | null;
  leverage: { type: string; value: number } | null;
  liquidationPx: string | null;
  unrealizedPnl: string | null;
  positionValue: string | null;
  marginUsed: string | null;
}

export interface WalletState {
  /** marginSummary.accountValue. */
  equity: string;
  withdrawable: string | null;
  totalNtlPos: string | null;
  totalMarginUsed: string | null;
  /** Non-zero positions, in the answer's order. */
  positions: WalletPosition[];
  /** The answer's time (ms), when it carries one. */
  time: number | null;
}

/** A ledger entry that is not funding: deposits, withdrawals, transfers, liquidations, vault moves… */
export interface WalletLedgerEntry {
  time: number;
  hash: string;
  /** delta.type as Hyperliquid names it (deposit, withdraw, accountClassTransfer, internalTransfer, spotTransfer…). */
  type: string;
  /**
   * USDC this entry moved into (+) or out of (−) the wallet's account, fees included; null when the entry moves no USDC
   * the reader can tell (a non-USDC token, an unknown type).
   */
  netUsdc: string | null;
  /** The recorded delta unchanged, for whatever a caller needs beyond netUsdc. */
  delta: Record<string, unknown>;
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** The identity of a fill across pages: Hyperliquid's trade id within the transaction hash. */
export function fillKey(f: any): string {
  if (f.tid !== undefined && f.tid !== null) return `${f.hash}:${f.tid}`;
  return [f.hash, f.oid, f.time, f.px, f.sz, f.startPosition].join(':');
}

export function parseWalletFill(f: any): WalletFill {
  return {
    coin: f.coin,
    side: f.side === 'B' ? 'BUY' : 'SELL',
    px: f.px,
    sz: f.sz,
    time: Number(f.time),
    startPosition: f.startPosition,
    dir: f.dir,
    closedPnl: f.closedPnl,
    fee: f.fee,
    feeToken: text(f.feeToken),
    hash: f.hash,
    oid: String(f.oid),
    tid: text(f.tid),
    crossed: f.crossed === true,
    cloid: text(f.cloid),
    liquidation: f.liquidation
      ? {
          liquidatedUser: text(f.liquidation.liquidatedUser)?.toLowerCase() ?? null,
          markPx: f.liquidation.markPx,
          method: f.liquidation.method,
        }
      : null,
    key: fillKey(f),
  };
}

/** A page of fills, oldest first whatever order the answer had (a stable sort: fills of one millisecond keep theirs). */
export function parseWalletFills(page: readonly any[]): WalletFill[] {
  return page.map(parseWalletFill).sort((a, b) => a.time - b.time);
}

export function parseWalletState(state: any): WalletState {
  const summary = state.marginSummary ?? {};
  const positions = (state.assetPositions ?? [])
    .map((ap: any) => ap.position)
    .filter((p: any) => !dec(p.szi).isZero())
    .map((p: any): WalletPosition => ({
      coin: p.coin,
      szi: p.szi,
      entryPx: text(p.entryPx),
      leverage: p.leverage ? { type: p.leverage.type, value: Number(p.leverage.value) } : null,
      liquidationPx: text(p.liquidationPx),
      unrealizedPnl: text(p.unrealizedPnl),
      positionValue: text(p.positionValue),
      marginUsed: text(p.marginUsed),
    }));
  return {
    equity: summary.accountValue,
    withdrawable: text(state.withdrawable),
    totalNtlPos: text(summary.totalNtlPos),
    totalMarginUsed: text(summary.totalMarginUsed),
    positions,
    time: state.time == null ? null : Number(state.time),
  };
}

/**
 * Net USDC of one ledger delta for the account `user` (lowercase). Deposits add; withdrawals take the amount and the
 * fee; accountClassTransfer moves USDC between the wallet's perp and spot balances (toPerp: in to perps, else out);
 * internalTransfer / spotTransfer / send are in when the wallet is the destination, out (with the fee) when it is
 * the sender (the recorded withdraw and spotTransfer carry a separate `fee`, taken on top); a vaultDeposit is out.
 * A spotTransfer of another token counts at its usdcValue. Other types (liquidation, vaultWithdraw, rewards…) are null.
 */
export function netUsdc(delta: any, user: string): string | null {
  const me = user.toLowerCase();
  const amount = (v: unknown) => (v === undefined || v === null ? null : dec(String(v)));
  switch (delta.type) {
    case 'deposit':
      return amount(delta.usdc)?.toFixed() ?? null;
    case 'withdraw': {
      const usdc = amount(delta.usdc);
      return usdc
        ? usdc
            .plus(amount(delta.fee) ?? 0)
            .neg()
            .toFixed()
        : null;
    }
    case 'accountClassTransfer': {
      const usdc = amount(delta.usdc);
      return usdc ? (delta.toPerp ? usdc : usdc.neg()).toFixed() : null;
    }
    case 'internalTransfer':
    case 'spotTransfer':
    case 'send': {
      const usdc = amount(delta.usdc) ?? amount(delta.usdcValue) ?? (delta.token === 'USDC' ? amount(delta.amount) : null);
      if (!usdc) return null;
      if (String(delta.destination ?? '').toLowerCase() === me) return usdc.toFixed();
      return usdc
        .plus(amount(delta.fee) ?? 0)
        .neg()
        .toFixed();
    }
    case 'vaultDeposit':
      return amount(delta.usdc)?.neg().toFixed() ?? null;
    default:
      return null;
  }
}

/** The answer's entries, oldest first, each with its net USDC for `user`. */
export function parseLedger(updates: readonly any[], user: string): WalletLedgerEntry[] {
  return updates
    .map((u) => ({
      time: Number(u.time),
      hash: u.hash,
      type: String(u.delta?.type),
      netUsdc: netUsdc(u.delta ?? {}, user),
      delta: u.delta ?? {},
    }))
    .sort((a, b) => a.time - b.time);
}
