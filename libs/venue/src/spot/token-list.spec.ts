import { Interface } from 'ethers';
import { localSpotNetwork, SPOT_NETWORKS } from './networks';
import { spotApprovalTransactions } from './onboarding';
import { fetchTokenList, FetchFn, parseTokenList } from './token-list';

const WETH = SPOT_NETWORKS.arbitrum.weth;
const USDC = SPOT_NETWORKS.arbitrum.usdc;

const list = (tokens: unknown[]) => ({
  name: 'Test List',
  timestamp: '2026-01-01T00:00:00.000Z',
  version: { major: 1, minor: 2, patch: 3 },
  tokens,
});
const entry = (over: Record<string, unknown>) => ({
  chainId: 42161,
  address: WETH,
  symbol: 'WETH',
  name: 'Wrapped Ether',
  decimals: 18,
  ...over,
});

describe('parseTokenList (Uniswap token-list schema)', () => {
  it("keeps the valid entries of the chain, checksummed, with the list's header", () => {
    const parsed = parseTokenList(
      list([
        entry({ tags: ['wrapped'], extensions: { bridgeInfo: {} } }),
        entry({ address: USDC.toLowerCase(), symbol: 'USDC', name: 'USD Coin', decimals: 6 }),
        entry({ chainId: 1, address: '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2' }),
      ]),
      42161,
    );
    expect(parsed).toMatchObject({ name: 'Test List', version: { major: 1, minor: 2, patch: 3 }, refused: [] });
    expect(parsed.tokens).toEqual([
      { symbol: 'WETH', address: WETH, decimals: 18, name: 'Wrapped Ether', tags: ['wrapped'] },
      { symbol: 'USDC', address: USDC, decimals: 6, name: 'USD Coin', tags: [] },
    ]);
  });

  it('refuses bad addresses, checksums, decimals, symbols and duplicates, and says why', () => {
    const badChecksum = '0x82Af49447D8a07e3bd95BD0d56f35241523fBab1';
    const parsed = parseTokenList(
      list([
        entry({}),
        entry({ address: badChecksum, symbol: 'X1' }),
        entry({ address: '0x1234', symbol: 'X2' }),
        entry({ address: '0x' + '11'.repeat(20), symbol: 'X3', decimals: 256 }),
        entry({ address: '0x' + '22'.repeat(20), symbol: 'X4', decimals: 6.5 }),
        entry({ address: '0x' + '33'.repeat(20), symbol: '' }),
        entry({ address: '0x' + '44'.repeat(20), symbol: 'TWO WORDS' }),
        entry({ symbol: 'WETH2' }),
        entry({ address: '0x' + '55'.repeat(20) }),
      ]),
      42161,
    );
    expect(parsed.tokens.map((t) => t.symbol)).toEqual(['WETH']);
    expect(parsed.refused.map((r) => [r.index, r.reason])).toEqual([
      [1, 'address has a bad EIP-55 checksum'],
      [2, 'address is not a 20-byte hex address'],
      [3, 'decimals must be an integer in [0, 255]'],
      [4, 'decimals must be an integer in [0, 255]'],
      [5, 'symbol must be 1-20 non-space characters'],
      [6, 'symbol must be 1-20 non-space characters'],
      [7, `address ${WETH} is listed twice`],
      [8, 'symbol WETH is listed twice'],
    ]);
  });

  it('refuses a list without its header', () => {
    expect(() => parseTokenList({ tokens: [] }, 42161)).toThrow(/name/);
    expect(() => parseTokenList({ ...list([]), version: { major: 1 } }, 42161)).toThrow(/version/);
    expect(() => parseTokenList({ ...list([]), tokens: {} }, 42161)).toThrow(/tokens/);
  });

  it('fetchTokenList GETs the JSON and fails on a non-2xx answer', async () => {
    const seen: string[] = [];
    const ok: FetchFn = async (url) => (seen.push(url), { ok: true, status: 200, json: async () => list([entry({})]) });
    await expect(fetchTokenList('https://tokens.example/list.json', ok)).resolves.toMatchObject({ name: 'Test List' });
    expect(seen).toEqual(['https://tokens.example/list.json']);
    const missing: FetchFn = async () => ({ ok: false, status: 404, json: async () => ({}) });
    await expect(fetchTokenList('https://tokens.example/none.json', missing)).rejects.toThrow(/HTTP 404/);
  });
});

describe('spotApprovalTransactions', () => {
  it('lists approve(agent, cap) on USDC and on each token the agent may sell', () => {
    const user = '0x' + 'aa'.repeat(20);
    const agent = '0x' + 'bb'.repeat(20);
    const txs = spotApprovalTransactions(
      localSpotNetwork(),
      user,
      agent,
      [{ symbol: 'WETH', address: WETH, decimals: 18, cap: '2.5' }],
      '1000',
    );
    const erc20 = new Interface(['function approve(address spender, uint256 value)']);
    expect(txs.map((t) => [t.to, t.chainId, t.value])).toEqual([
      [USDC, 42161, '0'],
      [WETH, 42161, '0'],
    ]);
    expect(erc20.decodeFunctionData('approve', txs[0].data).toArray()).toEqual([expect.stringMatching(/^0xBBbB/i), 1000n * 10n ** 6n]);
    expect(erc20.decodeFunctionData('approve', txs[1].data)[1]).toBe(25n * 10n ** 17n);
  });
});
