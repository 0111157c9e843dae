/* eslint-disable @nx/enforce-module-boundaries -- test support from the testing lib, which depends on this one: the
   imports stay out of the project graph (nx-ignore-next-line) so that it has no cycle. */
// nx-ignore-next-line
import { ManualClock } from '../../../testing/src/clock';
/* eslint-enable @nx/enforce-module-boundaries */
import { HyperliquidWalletReader, InfoPost, InfoRequestError } from './wallet-reader';
import { infoWeight, itemWeight, WeightBudget } from './weight-budget';

/** Time that moves only when the code under test sleeps: every wait is recorded, none is real. */
function fakeTime() {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    clock.advance(ms);
  };
  return { clock, sleeps, sleep, elapsed: () => sleeps.reduce((a, b) => a + b, 0) };
}

const USER = '0x' + 'ab'.repeat(20);
const fill = (time: number, tid: number, hash = `0x${time.toString(16)}`) => ({
  coin: 'ETH',
  px: '3000.5',
  sz: '0.1',
  side: 'B',
  time,
  startPosition: '0.0',
  dir: 'Open Long',
  closedPnl: '0.0',
  hash,
  oid: 7,
  crossed: true,
  fee: '0.135',
  tid,
  feeToken: 'USDC',
});

describe('request weights (Hyperliquid rate limits page)', () => {
  it('weighs light, heavy and list requests as documented', () => {
    expect(['l2Book', 'allMids', 'clearinghouseState', 'orderStatus', 'spotClearinghouseState', 'exchangeStatus'].map(infoWeight)).toEqual([
      2, 2, 2, 2, 2, 2,
    ]);
    expect(infoWeight('userRole')).toBe(60);
    expect(infoWeight('meta')).toBe(20);
    expect(infoWeight('userFillsByTime')).toBe(20);
    expect(itemWeight('userFillsByTime', 2000)).toBe(100);
    expect(itemWeight('userNonFundingLedgerUpdates', 39)).toBe(1);
    expect(itemWeight('clearinghouseState', 2000)).toBe(0);
  });
});

describe('WeightBudget', () => {
  it('serves a burst within the budget at once and makes the rest wait until the first weight leaves the minute', async () => {
    const t = fakeTime();
    const budget = new WeightBudget({ clock: t.clock, sleep: t.sleep });
    for (let i = 0; i < 60; i++) await budget.take(20);
    expect(t.sleeps).toEqual([]);
    await Promise.all([budget.take(20), budget.take(20)]);
    // all 1,200 were spent at t0: they come back at t0 + 60 s, when both waiters fit
    expect(t.sleeps).toEqual([60_000]);
    expect(budget.available()).toBe(1160);
  });

  it('is configurable and waits out a debt booked after an answer', async () => {
    const t = fakeTime();
    const budget = new WeightBudget({ capacity: 100, windowMs: 10_000, clock: t.clock, sleep: t.sleep });
    await budget.take(20);
    budget.charge(100);
    expect(budget.available()).toBe(-20);
    await budget.take(10);
    expect(t.elapsed()).toBe(10_000);
    expect(budget.available()).toBe(90);
  });
});

describe('HyperliquidWalletReader (scripted answers)', () => {
  function readerOn(answers: Array<(body: any) => { status: number; body: unknown }>) {
    const t = fakeTime();
    const bodies: any[] = [];
    const post: InfoPost = async (body) => {
      bodies.push(body);
      const next = answers.shift();
      if (!next) throw new Error('no more scripted answers');
      return next(body);
    };
    const budget = new WeightBudget({ clock: t.clock, sleep: t.sleep });
    return { t, bodies, reader: new HyperliquidWalletReader({ post, budget, sleep: t.sleep, backoffMs: 500, maxBackoffMs: 2000 }) };
  }

  it('retries a 429 after an exponential, capped backoff, then succeeds', async () => {
    const tooMany = () => ({ status: 429, body: 'Too Many Requests' });
    const { t, reader, bodies } = readerOn([tooMany, tooMany, tooMany, tooMany, () => ({ status: 200, body: [] })]);
    expect(await reader.fillsSince(USER, 0)).toEqual([]);
    expect(bodies).toHaveLength(5);
    // backoffs 500, 1000, 2000, 2000 (capped); the drained budget adds its own refill waits
    expect(t.sleeps.filter((ms) => ms >= 500)).toEqual(expect.arrayContaining([500, 1000, 2000, 2000]));
  });

  it('gives up at once on an answer that is neither 429 nor 5xx (422)', async () => {
    const { reader } = readerOn([() => ({ status: 422, body: 'Failed to deserialize' })]);
    await expect(reader.accountState(USER)).rejects.toBeInstanceOf(InfoRequestError);
  });

  it('pages a full page from its last fill time, drops the fills read twice, stops at a short page', async () => {
    const first = Array.from({ length: 2000 }, (_, i) => fill(1000 + Math.floor(i / 2), i));
    // the last millisecond (1999) straddles pages: its two fills come again, with one more
    const second = [fill(1999, 1998, first[1998].hash), fill(1999, 1999, first[1999].hash), fill(1999, 5000), fill(2500, 5001)];
    const { reader, bodies } = readerOn([() => ({ status: 200, body: first }), () => ({ status: 200, body: second })]);
    const fills = await reader.fillsSince(USER, 1000);
    expect(bodies.map((b) => b.startTime)).toEqual([1000, 1999]);
    expect(fills).toHaveLength(2002);
    expect(new Set(fills.map((f) => f.key)).size).toBe(2002);
    expect(fills.slice(-2).map((f) => [f.time, f.tid])).toEqual([
      [1999, '5000'],
      [2500, '5001'],
    ]);
  });

  it('charges 20 + 1 per 20 fills per page, 2 for clearinghouseState', async () => {
    const { reader } = readerOn([
      () => ({ status: 200, body: Array.from({ length: 40 }, (_, i) => fill(i, i)) }),
      () => ({ status: 200, body: { marginSummary: { accountValue: '5.0' }, assetPositions: [] } }),
    ]);
    await reader.fillsSince(USER, 0);
    expect(reader.budget.available()).toBe(1200 - 22);
    expect((await reader.accountState(USER)).equity).toBe('5.0');
    expect(reader.budget.available()).toBe(1200 - 24);
  });
});
