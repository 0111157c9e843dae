import Decimal from 'decimal.js';
import { parsePythonLiteral, PythonValue, readVectors } from '@conduit/testing';
import {
  collateralToRemove,
  collateralToTopUp,
  currentTotalProfit,
  currentTotalProfitP,
  currentTradeProfit,
  currentTradeProfitP,
  leverageAfterRemoval,
  leverageAfterTopUp,
  liquidationPrice,
  openingFee,
  pendingAccFundingFees,
  priceImpact,
  stopLossPrice,
  takeProfitPrice,
  tradeFundingFee,
  tradeRolloverFee,
  tradeValue,
} from '@conduit/venue';

/**
 * Every formula table of ostium.json (`formula_test_vectors`: the Ostium Python SDK's pure-math tests) through the
 * pricing functions, compared exactly. The tables are read as the file has them: most as JSON, two only as the test's
 * Python source (the extractor could not evaluate them), which is parsed here. A table this spec has no runner for,
 * or a runner whose table is missing or empty, fails.
 */
type Case = Record<string, any>;
type Check = [what: string, actual: Decimal, expected: Decimal.Value];

const vectors = readVectors('ostium.json');
const files: Record<string, { data: Record<string, any>; test_functions: Record<string, string> }> = vectors.formula_test_vectors.files;

/** The PRECISION_n constants the SDK's tests divide by, as the vectors file lists them. */
const precisions = Object.fromEntries(
  Object.entries(vectors.constants_sdk as Record<string, unknown>)
    .filter(([k]) => k.startsWith('PRECISION_'))
    .map(([k, v]) => [k, String(v)]),
);

/** The Python after `marker` in `source` (`test_cases = [...]`, `return [...]`), parsed. */
function pythonAfter(source: string, marker: string): Case[] {
  const at = source.indexOf(marker);
  if (at < 0) throw new Error(`no ${JSON.stringify(marker)} in the quoted source`);
  const value = parsePythonLiteral(source.slice(at + marker.length), precisions);
  if (!Array.isArray(value)) throw new Error('the quoted test cases are not a list');
  return value as Case[];
}

function casesOf(file: string): Case[] {
  const { data, test_functions: fns } = files[file];
  if (Array.isArray(data.TEST_CASES)) return data.TEST_CASES;
  if (Array.isArray(data.test_cases)) return data.test_cases;
  if (data.test_cases?.unevaluated_source) return pythonAfter(data.test_cases.unevaluated_source, 'test_cases =');
  if (fns.test_cases) return pythonAfter(fns.test_cases, 'return');
  return [];
}

const profitInput = (c: Case) => ({
  openPrice: c.open_price,
  currentPrice: c.current_price,
  long: c.long,
  leverage: c.leverage,
  initialLeverage: c.highest_leverage,
});

const RUNNERS: Record<string, (c: Case) => Check[]> = {
  'tests/test_current_trade_profit_p.py': (c) => [['profit %', currentTradeProfitP(profitInput(c)), c.expected_profit_p]],
  'tests/test_current_trade_profit_raw.py': (c) => [
    ['profit', currentTradeProfit({ ...profitInput(c), collateral: c.collateral }), c.expected_profit],
  ],
  'tests/test_current_total_profit_raw.py': (c) => [
    [
      'total profit',
      currentTotalProfit({ ...profitInput(c), collateral: c.collateral, rolloverFee: c.rollover_fee, fundingFee: c.funding_fee }),
      c.expected_total_profit,
    ],
  ],
  'tests/test_current_total_profit_p.py': (c) => [
    ['total profit %', currentTotalProfitP(c.total_profit, c.collateral), c.expected_total_profit_p],
  ],
  'tests/test_get_opening_fee.py': (c) => [
    [
      'opening fee',
      openingFee({
        tradeSize: c.trade_size,
        leverage: c.leverage,
        oiDelta: c.oi_delta,
        makerMaxLeverage: c.maker_max_leverage,
        makerFeeP: c.maker_fee_p,
        takerFeeP: c.taker_fee_p,
      }),
      c.expected_fee,
    ],
  ],
  'tests/test_get_trade_rollover_fee.py': (c) => [
    [
      'rollover fee',
      tradeRolloverFee({ initial: c.trade_rollover, current: c.current_rollover, collateral: c.collateral, leverage: c.leverage }),
      c.expected_rollover_fee,
    ],
  ],
  'tests/test_get_trade_funding_fee.py': (c) => [
    [
      'funding fee',
      tradeFundingFee({ initial: c.initial_funding, current: c.current_funding, collateral: c.collateral, leverage: c.leverage }),
      c.expected_funding_fee,
    ],
  ],
  'tests/test_get_pending_acc_funding_fees.py': (c) => {
    const r = pendingAccFundingFees(
      {
        accPerOiLong: c.valueLong,
        accPerOiShort: c.valueShort,
        lastFundingRate: c.lastFundingRate,
        lastUpdateBlock: block(c.lastUpdateBlock),
      },
      {
        maxFundingFeePerBlock: c.maxFundingFeePerBlock,
        hillInflectionPoint: c.hillInflectionPoint,
        hillPosScale: c.hillPosScale,
        hillNegScale: c.hillNegScale,
        springFactor: c.springFactor,
        sFactorUpScaleP: c.sFactorUpScale,
        sFactorDownScaleP: c.sFactorDownScaleP,
      },
      { long: c.openInterestUsdcLong, short: c.openInterestUsdcShort, cap: c.oiCap },
      block(c.blockNumber),
    );
    return [
      ['acc funding long', r.accPerOiLong, c.expected_acc_funding_long],
      ['acc funding short', r.accPerOiShort, c.expected_acc_funding_short],
      ['latest funding rate', r.fundingRate, c.expected_latest_funding_rate],
    ];
  },
  'tests/test_get_trade_value.py': (c) => {
    const r = tradeValue({
      liqMarginThresholdP: c.liq_margin_threshold_p,
      collateral: c.collateral,
      profitP: c.percent_profit,
      rolloverFee: c.rollover_fee,
      fundingFee: c.funding_fee,
      leverage: c.leverage,
      maxLeverage: c.max_leverage,
    });
    return [
      ['trade value', r.value, c.expected_trade_value],
      ['liquidation margin', r.liqMarginValue, c.expected_liq_margin_value],
    ];
  },
  'tests/test_trade_liquidation_price.py': (c) => [
    [
      'liquidation price',
      liquidationPrice({
        // the SDK takes this threshold as a fraction (its __main__ divides the contract's percent by PRECISION_2)
        liqMarginThresholdP: new Decimal(c.liq_margin_threshold_p).mul(100),
        openPrice: c.openPrice,
        long: c.isLong,
        collateral: c.collateral,
        leverage: c.leverage,
        rolloverFee: c.rollover_fee,
        fundingFee: c.funding_fee,
        maxLeverage: c.max_leverage,
      }),
      c.expected_liq_price,
    ],
  ],
  'tests/test_trade_get_tp_price.py': (c) => [
    ['TP price', takeProfitPrice(c.openPrice, c.profit_p, c.leverage, c.isLong), c.expected_tp_price],
  ],
  'tests/test_trade_get_sl_price.py': (c) => [
    ['SL price', stopLossPrice(c.openPrice, c.loss_p, c.leverage, c.isLong), c.expected_sl_price],
  ],
  'tests/test_get_price_impact.py': (c) => {
    const r = priceImpact({ price: c.midPrice, bid: c.bidPrice, ask: c.askPrice, isOpen: c.is_open, isLong: c.is_long });
    return [
      ['price impact %', r.priceImpactP, c.expected_price_impact_p],
      ['price after impact', r.priceAfterImpact, c.expected_price_after_impact],
    ];
  },
  'tests/test_top_up_with_collateral.py': (c) => [
    ['leverage', leverageAfterTopUp(c.leverage, c.collateral, c.added_collateral), c.expected_leverage],
  ],
  'tests/test_top_up_with_leverage.py': (c) => [
    ['added collateral', collateralToTopUp(c.leverage, c.desired_leverage, c.collateral), c.expected_added_collateral],
  ],
  'tests/test_remove_collateral_with_collateral.py': (c) => [
    ['leverage', leverageAfterRemoval(c.leverage, c.collateral, c.removed_collateral), c.expected_leverage],
  ],
  'tests/test_remove_collateral_from_leverage.py': (c) => [
    ['removed collateral', collateralToRemove(c.leverage, c.desired_leverage, c.collateral), c.expected_collateral],
  ],
};

/** Tables the SDK's test files declare without any case (their tests need the network or were never written). */
const EMPTY = ['tests/test_max_leverage.py', 'tests/test_overnight_max_leverage.py', 'tests/test_target_funding_rate.py'];

function block(v: PythonValue): number {
  const d = new Decimal(v as Decimal.Value);
  if (!d.isInteger()) throw new Error(`block number ${String(v)} is not an integer`);
  return d.toNumber();
}

describe('Ostium formula vectors (ostium.json formula_test_vectors)', () => {
  it('has a runner for every table and a case for every runner', () => {
    expect(vectors.schema).toBe('ostium.json v1');
    expect(Object.keys(files).sort()).toEqual([...Object.keys(RUNNERS), ...EMPTY].sort());
    for (const file of Object.keys(RUNNERS)) expect({ file, cases: casesOf(file).length > 0 }).toEqual({ file, cases: true });
    for (const file of EMPTY) expect({ file, cases: casesOf(file), fns: files[file].test_functions }).toEqual({ file, cases: [], fns: {} });
  });

  describe.each(Object.keys(RUNNERS))('%s', (file) => {
    const cases = casesOf(file).map((c, i): [string, Case] => [String(c.case_name ?? `case ${i}`), c]);
    it.each(cases)('%s', (_name, c) => {
      const checks = RUNNERS[file](c);
      for (const [what, actual, expected] of checks) {
        if (expected === undefined) throw new Error(`${file}: the case has no expected ${what}`);
        try {
          expect(actual).toEqualDecimal(expected instanceof Decimal ? expected.toString() : expected);
        } catch (err) {
          throw new Error(`${what}: ${(err as Error).message}`);
        }
      }
    });
  });
});
