import { extractTokens, normalizeSymbol, STABLECOINS } from './tickers';

const KNOWN = new Set(['BTC', 'ETH', 'SOL', 'HYPE', 'kPEPE', 'S', 'WIF']);
const NONE = new Set<string>();

describe('extractTokens', () => {
  it('returns cashtags upper-cased, keeping the Hyperliquid k-prefix', () => {
    expect(extractTokens('$eth and $kPEPE and $Sol', NONE)).toEqual(['ETH', 'kPEPE', 'SOL']);
  });

  it('accepts 1-10 letters/digits starting with a letter, not amounts or longer words', () => {
    expect(extractTokens('$A $ABCDEFGHIJ $ABCDEFGHIJK $100 $1INCH US$5 x$ETH', NONE)).toEqual(['A', 'ABCDEFGHIJ']);
  });

  it('finds bare known symbols case-sensitively as whole words only', () => {
    expect(extractTokens('ETH/BTC ratio; eth is lower-case, ETHUSD is no word, HYPE.', KNOWN)).toEqual(['ETH', 'BTC', 'HYPE']);
  });

  it('ignores single-letter bare words but takes single-letter cashtags', () => {
    expect(extractTokens('S&P down, $S up', KNOWN)).toEqual(['S']);
  });

  it('maps common names case-insensitively', () => {
    expect(extractTokens('Bitcoin leads, then ETHEREUM and solana', NONE)).toEqual(['BTC', 'ETH', 'SOL']);
    expect(extractTokens('bitcoins? solanas?', NONE)).toEqual([]);
  });

  it('de-duplicates in order of first appearance across cashtags, words and names', () => {
    expect(extractTokens('SOL first, then $ETH, $sol again, ethereum, bitcoin, $BTC', KNOWN)).toEqual(['SOL', 'ETH', 'BTC']);
  });

  it('always excludes stablecoins', () => {
    expect(extractTokens('$USDT $usdc DAI $USDe $ETH', new Set(['USDT', 'USDC', 'DAI', 'USDE', 'ETH']))).toEqual(['ETH']);
    expect(extractTokens('rotating $USDT into $FDUSD', NONE)).toEqual([]);
    expect(STABLECOINS).toContain('USDC');
  });

  it('drops unknown cashtags when known symbols are given, keeps them otherwise', () => {
    expect(extractTokens('$FOO and $ETH', KNOWN)).toEqual(['ETH']);
    expect(extractTokens('$FOO and $ETH', NONE)).toEqual(['FOO', 'ETH']);
  });

  it('resolves a cashtag to the known spelling', () => {
    expect(extractTokens('$KPEPE and $kpepe and $wif', KNOWN)).toEqual(['kPEPE', 'WIF']);
  });

  it('drops names whose symbol is not known when known symbols are given', () => {
    expect(extractTokens('solana and bitcoin', new Set(['BTC']))).toEqual(['BTC']);
  });

  it('ignores object-prototype words', () => {
    expect(extractTokens('constructor toString __proto__', NONE)).toEqual([]);
  });
});

describe('normalizeSymbol', () => {
  it('upper-cases except the k-prefix form', () => {
    expect(normalizeSymbol('$eth')).toBe('ETH');
    expect(normalizeSymbol('kPEPE')).toBe('kPEPE');
    expect(normalizeSymbol('kpepe')).toBe('KPEPE');
  });
});
