/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { pysdkCassette } from '../../../testing/src/venues/hyperliquid-replay';
// nx-ignore-next-line
import { readVectors } from '../../../testing/src/vectors';
/* eslint-enable @nx/enforce-module-boundaries */
import { classifyFill, dec, WalletFillInput } from '@conduit/domain';
import { fillKey, netUsdc, parseLedger, parseWalletFills, parseWalletState } from './wallet-parsers';

/** The wallet parsers on recorded answers of the live API (hyperliquid_api/*.json): values are the recorded strings. */
const CCXT = readVectors('hyperliquid_api/ccxt_static_responses.json').entries as any[];
const ccxt = (description: string) => CCXT.find((e) => e.description === description).httpResponse;
const answer = (test: string) => pysdkCassette(test)[0].response as any;

describe('parseWalletFills', () => {
  const recorded = answer('test_get_user_fills_by_time') as any[];

  it('reads the recorded userFillsByTime page (newest first, no tids) oldest first, decimals unchanged', () => {
    const fills = parseWalletFills(recorded);
    expect(fills).toHaveLength(500);
    expect(fills.map((f) => f.time)).toEqual([...recorded.map((f) => f.time)].sort((a, b) => a - b));
    expect(fills[0]).toMatchObject({ coin: 'SUI', side: 'BUY', px: '1.3281', sz: '104.4', startPosition: '-1839.2', time: 1683245555699 });
    expect(fills[0]).toMatchObject({ dir: 'Close Short', closedPnl: '0.089784', fee: '0.0', oid: '189315555', tid: null, crossed: true });
    const last = fills.filter((f) => f.time === 1683245884863);
    expect(last.map((f) => [f.px, f.sz, f.closedPnl])).toEqual(
      recorded.filter((f) => f.time === 1683245884863).map((f) => [f.px, f.sz, f.closedPnl]),
    );
  });

  it('keys fills uniquely: hash:tid, or without a tid the fill itself (fills of one order share hash and oid)', () => {
    expect(new Set(parseWalletFills(recorded).map((f) => f.key)).size).toBe(500);
    const [withTid] = ccxt('user trades (perp fill with cloid)');
    expect(fillKey(withTid)).toBe(`${withTid.hash}:${withTid.tid}`);
    expect(parseWalletFills([withTid])[0]).toMatchObject({
      cloid: withTid.cloid,
      tid: String(withTid.tid),
      px: withTid.px,
      sz: withTid.sz,
    });
  });

  it('reads liquidation fills and HIP-3 / builder-fee fills of the CCXT fixture', () => {
    const raw = ccxt('trades with builderFee (incl. HIP-3 dex coin flx:CRCL and liquidation fills)') as any[];
    const fills = parseWalletFills(raw);
    const liquidated = raw.filter((f) => f.liquidation);
    expect(liquidated.length).toBeGreaterThan(0);
    expect(fills.filter((f) => f.liquidation).map((f) => f.liquidation!.markPx)).toEqual(
      [...liquidated].sort((a, b) => Number(a.time) - Number(b.time)).map((f) => f.liquidation.markPx),
    );
    expect(fills.map((f) => f.coin)).toContain('flx:CRCL');
  });

  it('a parsed fill is the domain input of classifyFill: one shape from the wire to the event', () => {
    const fills: WalletFillInput[] = parseWalletFills(recorded);
    const first = classifyFill(fills[0]);
    // SUI: start −1839.2, BUY 104.4 → −1734.8, a short reduced; realized = closedPnl − fee
    expect(first).toMatchObject({ eventType: 'reduce', side: 'SHORT', positionAfter: '-1734.8', realizedPnl: '0.089784' });
    expect(first.identity).toBe(fills[0].key);
    expect(new Set(fills.map((f) => classifyFill(f).fillId)).size).toBe(500);
    const [withTid] = parseWalletFills(ccxt('user trades (perp fill with cloid)'));
    expect(classifyFill(withTid)).toMatchObject({
      txHash: withTid.hash,
      fillId: withTid.tid,
      amount: dec(withTid.sz)
        .times(withTid.side === 'BUY' ? 1 : -1)
        .toFixed(),
    });
  });
});

describe('parseWalletState', () => {
  it('reads the recorded clearinghouseState: equity and each position exactly', () => {
    const raw = answer('test_get_user_state');
    const state = parseWalletState(raw);
    expect(state.equity).toBe('1182.312496');
    expect(state.withdrawable).toBe('1010.57173');
    expect(state.positions).toHaveLength(raw.assetPositions.length);
    expect(state.positions[0]).toEqual({
      coin: 'BTC',
      szi: '-0.00785',
      entryPx: '26951.0',
      leverage: { type: 'cross', value: 20 },
      liquidationPx: '173198.69592357',
      unrealizedPnl: '-0.08007',
      positionValue: '211.64542',
      marginUsed: '10.582271',
    });
    expect(state.positions[1]).toMatchObject({ coin: 'ETH', szi: '0.1334', liquidationPx: null, unrealizedPnl: '0.118726' });
  });

  it('reads CCXT isolated positions (leverage value as a string) and an account with none', () => {
    const isolated = parseWalletState(ccxt('isolated short position'));
    expect(isolated.positions[0].leverage).toMatchObject({ type: 'isolated' });
    expect(typeof isolated.positions[0].leverage!.value).toBe('number');
    const empty = parseWalletState(ccxt('swap balance (no positions)'));
    expect(empty.positions).toEqual([]);
    expect(empty.equity).toBe(ccxt('swap balance (no positions)').marginSummary.accountValue);
  });
});

describe('parseLedger', () => {
  it('reads the python SDK ledger: deposits in, perp→spot transfers out, a spot send out with its fee', () => {
    const user = '0x2ba553d9f990a3b66b03b2dc0d030dfc1c061036';
    const entries = parseLedger(answer('test_user_non_funding_ledger_updates_without_end_time'), user);
    expect(entries.map((e) => [e.type, e.netUsdc])).toEqual([
      ['deposit', '2703997.4500000002'],
      ['accountClassTransfer', '-12'],
      ['spotTransfer', '-11.5'],
      ['accountClassTransfer', '-2684105.0099999998'],
      ['deposit', '1099994.98'],
    ]);
    expect(entries[0].hash).toBe('0x09ddd9f712b5df0945af34b055bbb3329c88ca001aff41bbfd4341d80bc760ce');
    expect(parseLedger(answer('test_user_non_funding_ledger_updates_with_end_time'), user)).toEqual([]);
  });

  it("reads CCXT's ledger (withdraw with fee, transfer to perps, deposit) oldest first", () => {
    const entries = parseLedger(
      ccxt('user ledger (withdraw, accountClassTransfer, deposit)'),
      '0x15f43d1f2dee81424afd891943262aa90f22cc2a',
    );
    expect(entries.map((e) => [e.time, e.type, e.netUsdc])).toEqual([
      [1719366450777, 'deposit', '105'],
      [1725278637122, 'accountClassTransfer', '4'],
      [1725369558702, 'withdraw', '-10'],
    ]);
  });

  it('counts an internal transfer in when the wallet receives it, out when it sends it', () => {
    const delta = { type: 'internalTransfer', usdc: '25.5', user: '0xaa', destination: '0xBB', fee: '0.0' };
    expect(netUsdc(delta, '0xbb')).toBe('25.5');
    expect(netUsdc(delta, '0xaa')).toBe('-25.5');
    expect(netUsdc({ type: 'liquidation', accountValue: '3' }, '0xaa')).toBeNull();
  });
});
