/**
 * Ostium deployments and pair list, generated once from ostium.json (`contracts`, `pairs`) and kept by hand since.
 *
 * Pair ids are the contracts' pairIndex. Ids 0-24 are the SDK README's official mainnet list (May 2025); 25-43 come
 * from two independent third-party files that agree; 44-55 from one third-party file only. The live list is
 * authoritative (subgraph `get_pairs`, or PairsStorage): an adapter may be given a verified list instead.
 * maxLeverage is a third-party snapshot (null: unknown, the category default applies); the contract's
 * pairMaxLeverage is what counts, and an order above it is reverted (WrongLeverage) before it is sent.
 */

export interface OstiumNetwork {
  chainId: number;
  trading: string;
  tradingStorage: string;
  usdc: string;
  subgraph: string;
}

export const OSTIUM_NETWORKS = {
  mainnet: {
    chainId: 42161,
    trading: '0x6D0bA1f9996DBD8885827e1b2e8f6593e7702411',
    tradingStorage: '0xcCd5891083A8acD2074690F65d3024E7D13d66E7',
    usdc: '0xaf88d065e77c8cC2239327C5EDb3A432268e5831',
    subgraph: 'https://subgraph.satsuma-prod.com/391a61815d32/ostium/ost-prod/api',
  },
  sepolia: {
    chainId: 421614,
    trading: '0x2A9B9c988393f46a2537B0ff11E98c2C15a95afe',
    tradingStorage: '0x0b9F5243B29938668c9Cfbd7557A389EC7Ef88b8',
    usdc: '0xe73B11Fb1e3eeEe8AF2a23079A4410Fe1B370548',
    subgraph: 'https://subgraph.satsuma-prod.com/391a61815d32/ostium/ost-sep-final/api',
  },
} as const satisfies Record<string, OstiumNetwork>;

/** USDC (collateral) has 6 decimals on both networks. */
export const USDC_DECIMALS = 6;
/** Smallest position Ostium opens (docs: MIN_OPEN_SIZE_USD), collateral × leverage in USD. */
export const MIN_OPEN_SIZE_USD = '5';
/** Contract constants (ostium.json constants_sdk). */
export const MAX_SLIPPAGE_P = 10000;
export const MAX_GAIN_P = 900;
export const MAX_SL_P = 85;

export type OstiumCategory = 'crypto' | 'forex' | 'commodity' | 'index' | 'stock' | 'stock/etf';
export type OstiumPairSource = 'sdk' | 'third-party-2' | 'third-party-1';

export interface OstiumPair {
  /** pairIndex in the contracts. */
  id: number;
  /** Ostium's name of the pair, FROM-TO (BTC-USD, USD-JPY). */
  pair: string;
  from: string;
  to: string;
  category: OstiumCategory;
  maxLeverage: number;
  source: OstiumPairSource;
}

/** Max leverage of a category when the snapshot has none (the contract is authoritative). */
const CATEGORY_MAX_LEVERAGE: Record<OstiumCategory, number> = {
  crypto: 50,
  forex: 100,
  commodity: 50,
  index: 50,
  stock: 25,
  'stock/etf': 25,
};

// [pairIndex, from, to, category, maxLeverage (null: unknown), source]
const TABLE: [number, string, string, OstiumCategory, number | null, OstiumPairSource][] = [
  [0, 'BTC', 'USD', 'crypto', 100, 'sdk'],
  [1, 'ETH', 'USD', 'crypto', 100, 'sdk'],
  [2, 'EUR', 'USD', 'forex', 100, 'sdk'],
  [3, 'GBP', 'USD', 'forex', 100, 'sdk'],
  [4, 'USD', 'JPY', 'forex', 100, 'sdk'],
  [5, 'XAU', 'USD', 'commodity', 100, 'sdk'],
  [6, 'HG', 'USD', 'commodity', 50, 'sdk'],
  [7, 'CL', 'USD', 'commodity', 50, 'sdk'],
  [8, 'XAG', 'USD', 'commodity', 50, 'sdk'],
  [9, 'SOL', 'USD', 'crypto', 75, 'sdk'],
  [10, 'SPX', 'USD', 'index', 50, 'sdk'],
  [11, 'DJI', 'USD', 'index', 50, 'sdk'],
  [12, 'NDX', 'USD', 'index', 50, 'sdk'],
  [13, 'NIK', 'JPY', 'index', 50, 'sdk'],
  [14, 'FTSE', 'GBP', 'index', 50, 'sdk'],
  [15, 'DAX', 'EUR', 'index', 50, 'sdk'],
  [16, 'USD', 'CAD', 'forex', 100, 'sdk'],
  [17, 'USD', 'MXN', 'forex', 100, 'sdk'],
  [18, 'NVDA', 'USD', 'stock', 25, 'sdk'],
  [19, 'GOOG', 'USD', 'stock', 25, 'sdk'],
  [20, 'AMZN', 'USD', 'stock', 25, 'sdk'],
  [21, 'META', 'USD', 'stock', 25, 'sdk'],
  [22, 'TSLA', 'USD', 'stock', 25, 'sdk'],
  [23, 'AAPL', 'USD', 'stock', 25, 'sdk'],
  [24, 'MSFT', 'USD', 'stock', 25, 'sdk'],
  [25, 'USD', 'CHF', 'forex', 100, 'third-party-2'],
  [26, 'AUD', 'USD', 'forex', 100, 'third-party-2'],
  [27, 'NZD', 'USD', 'forex', 100, 'third-party-2'],
  [28, 'XPD', 'USD', 'commodity', 50, 'third-party-2'],
  [29, 'XPT', 'USD', 'commodity', 50, 'third-party-2'],
  [30, 'HSI', 'HKD', 'index', 50, 'third-party-2'],
  [31, 'COIN', 'USD', 'stock', 25, 'third-party-2'],
  [32, 'HOOD', 'USD', 'stock', 25, 'third-party-2'],
  [33, 'MSTR', 'USD', 'stock', 25, 'third-party-2'],
  [34, 'CRCL', 'USD', 'stock', 25, 'third-party-2'],
  [35, 'BMNR', 'USD', 'stock', 25, 'third-party-2'],
  [36, 'SBET', 'USD', 'stock', 25, 'third-party-2'],
  [37, 'GLXY', 'USD', 'stock', 25, 'third-party-2'],
  [38, 'BNB', 'USD', 'crypto', 50, 'third-party-2'],
  [39, 'XRP', 'USD', 'crypto', 50, 'third-party-2'],
  [40, 'TRX', 'USD', 'crypto', 50, 'third-party-2'],
  [41, 'HYPE', 'USD', 'crypto', 50, 'third-party-2'],
  [42, 'LINK', 'USD', 'crypto', 50, 'third-party-2'],
  [43, 'ADA', 'USD', 'crypto', 50, 'third-party-2'],
  [44, 'PLTR', 'USD', 'stock', null, 'third-party-1'],
  [45, 'AMD', 'USD', 'stock', null, 'third-party-1'],
  [46, 'NFLX', 'USD', 'stock', null, 'third-party-1'],
  [47, 'ORCL', 'USD', 'stock', null, 'third-party-1'],
  [48, 'RIVN', 'USD', 'stock', null, 'third-party-1'],
  [49, 'COST', 'USD', 'stock', null, 'third-party-1'],
  [50, 'XOM', 'USD', 'stock', null, 'third-party-1'],
  [51, 'CVX', 'USD', 'stock', null, 'third-party-1'],
  [52, 'URA', 'USD', 'stock/etf', null, 'third-party-1'],
  [53, 'USD', 'KRW', 'forex', null, 'third-party-1'],
  [54, 'KR2550', 'USD', 'index', null, 'third-party-1'],
  [55, 'BRENT', 'USD', 'commodity', null, 'third-party-1'],
];

export const OSTIUM_PAIRS: readonly OstiumPair[] = TABLE.map(([id, from, to, category, maxLeverage, source]) => ({
  id,
  pair: `${from}-${to}`,
  from,
  to,
  category,
  maxLeverage: maxLeverage ?? CATEGORY_MAX_LEVERAGE[category],
  source,
}));

/** A pair as Conduit trades it. */
export interface OstiumMarketDef extends OstiumPair {
  /** Conduit's token symbol: FROM of a FROM-USD pair (BTC-USD → BTC), TO of a USD-TO pair (USD-JPY → JPY). */
  symbol: string;
  /**
   * USD-TO pair: the symbol's USD price is 1 / pair price, and a LONG on the symbol is a SHORT on the pair
   * (LONG JPY = SHORT USD-JPY). Prices, TP/SL and sizes are converted both ways by the adapter.
   */
  inverted: boolean;
  active: boolean;
  /** Why the pair is not traded, when it is not. */
  inactiveReason: string | null;
}

/**
 * Maps a pair to Conduit's symbol. Pairs quoted in neither direction against USD (NIK-JPY, FTSE-GBP, DAX-EUR,
 * HSI-HKD) are listed inactive: their prices are in another currency, so a USD size or mark would be wrong.
 * Pairs known from a single third-party source are listed inactive until verified against the live list.
 */
export function ostiumMarket(p: OstiumPair): OstiumMarketDef {
  const inverted = p.from === 'USD';
  const symbol = inverted ? p.to : p.from;
  let inactiveReason: string | null = null;
  if (p.to !== 'USD' && p.from !== 'USD') inactiveReason = `${p.pair} is quoted in ${p.to}, not USD`;
  else if (p.source === 'third-party-1') inactiveReason = `pair id ${p.id} (${p.pair}) is not verified against Ostium's live pair list`;
  return { ...p, symbol, inverted, active: inactiveReason === null, inactiveReason };
}

export const OSTIUM_MARKETS: readonly OstiumMarketDef[] = OSTIUM_PAIRS.map(ostiumMarket);
