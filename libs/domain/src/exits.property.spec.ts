/**
 * Properties of the exit rules over seeded random price paths (no extra libraries). The draws come from the domain's
 * own deterministic generator (walkShock: sha256 of seed, stream and index), so every run sees the same cases; each
 * property collects its failing cases, so a failure prints counterexamples.
 */
import Decimal from 'decimal.js';
import { checkExit, ExitCheck, MonitoredPosition, TrailingParams } from './exits';
import { dec, Dec } from './money';
import { walkShock, walkStep } from './random-walk';
import { direction, Side } from './trading';

const PATHS = 300;
const STEPS = 40;
const T0 = new Date('2026-11-22T00:00:00Z');
const MINUTE = 60_000;

class Draws {
  private n = 0;
  constructor(private readonly seed: string) {}
  /** A uniform number in [0, 1). */
  unit(): number {
    return walkShock(this.seed, 'draw', this.n++).plus(1).div(2).toNumber();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.unit() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length - 1)];
  }
}

/** Feeds a position the marks of a path, one minute apart, keeping the trailing state checkExit returns. */
function run(p: MonitoredPosition, marks: readonly Decimal[], maxHoldMs: number | null = null) {
  const steps: { mark: Decimal; before: MonitoredPosition; check: ExitCheck }[] = [];
  let pos = p;
  for (const [i, mark] of marks.entries()) {
    const check = checkExit(pos, mark, new Date(T0.getTime() + (i + 1) * MINUTE), maxHoldMs);
    steps.push({ mark, before: pos, check });
    if (check.exit) break;
    if (check.trailing) pos = { ...pos, trailing: check.trailing };
  }
  return steps;
}

/** The armed trail of a trailing state: best × (1 ∓ trail), or null while it is not armed. */
function trailLevel(side: Side, t: TrailingParams | null): Decimal | null {
  if (!t?.armed) return null;
  return dec(t.high_water).mul(dec(1).minus(dec(t.trail_pct).mul(direction(side))));
}

/** `a` is at least as good for the position as `b` (higher for a long, lower for a short). */
const noWorse = (side: Side, a: Decimal, b: Decimal) => a.minus(b).mul(direction(side)).gte(0);

const show = (x: unknown) => JSON.stringify(x, (_, v) => (v instanceof Decimal ? v.toString() : v));

// ---------------------------------------------------------------------------------------------------- random positions

/** A trailing-stop position with a hard stop and a trail drawn independently, so either can be the tighter one. */
function randomPosition(g: Draws): MonitoredPosition {
  const side: Side = g.unit() < 0.5 ? 'LONG' : 'SHORT';
  const dir = direction(side);
  const entry = dec(g.int(1, 5_000_000)).div(1000);
  const stopPct = g.pick([null, '0.005', '0.01', '0.03', '0.08']);
  const tpPct = g.pick([null, '0.01', '0.04', '0.1']);
  return {
    side,
    entryPrice: entry.toString(),
    stopLoss: stopPct && entry.mul(dec(1).minus(dec(stopPct).mul(dir))).toString(),
    takeProfit: tpPct && entry.mul(dec(1).plus(dec(tpPct).mul(dir))).toString(),
    trailing: {
      type: 'trailing',
      trail_pct: g.pick(['0.002', '0.01', '0.02', '0.05', '0.12']),
      activation_pct: g.pick([null, '0', '0.005', '0.02', '0.06']),
      high_water: entry.toString(),
    },
    openedAt: T0,
  };
}

/** A random walk from the entry, at most 8 decimals: calm steps, trends and an occasional gap. */
function randomPath(g: Draws, seed: string, p: MonitoredPosition): Decimal[] {
  const marks: Decimal[] = [];
  let px = dec(p.entryPrice);
  for (let tick = 0; tick < STEPS; tick++) {
    px = walkStep(px, seed, 'path', tick, g.pick([20, 50, 150, 400, 2500])).toDecimalPlaces(8);
    marks.push(px);
  }
  return marks;
}

function randomCases(seed: string) {
  const g = new Draws(seed);
  return Array.from({ length: PATHS }, (_, i) => {
    const position = randomPosition(g);
    return { position, steps: run(position, randomPath(g, `${seed}-${i}`, position)) };
  });
}

describe('the trailing stop never loosens', () => {
  const cases = randomCases('exits-monotone');

  it('the paths arm trails and exit by each rule, and a few run to their end (the properties are not vacuous)', () => {
    const exits = cases.map((c) => c.steps[c.steps.length - 1].check.exit);
    for (const reason of ['TRAILING_STOP', 'STOP_LOSS', 'TAKE_PROFIT'])
      expect(exits.filter((e) => e === reason).length).toBeGreaterThan(50);
    expect(exits.filter((e) => e === null).length).toBeGreaterThan(0);
    expect(cases.filter((c) => c.steps.some((s) => s.check.trailing?.armed && !s.before.trailing?.armed)).length).toBeGreaterThan(50);
    expect(cases.filter((c) => c.position.side === 'SHORT').length).toBeGreaterThan(100);
  });

  it('for any path, the best price and the armed trail only move in the position’s favour, and the trail stays armed', () => {
    const failures = cases.filter(({ position, steps }) =>
      steps.some(({ before, check }) => {
        const after = check.trailing ?? before.trailing!;
        const [was, now] = [trailLevel(position.side, before.trailing), trailLevel(position.side, after)];
        const bestHolds = noWorse(position.side, dec(after.high_water), dec(before.trailing!.high_water));
        return !bestHolds || (was !== null && (now === null || !noWorse(position.side, now, was)));
      }),
    );
    expect(failures.map((f) => show(f.position))).toEqual([]);
  });

  it('a trailing stop exit is reported at the armed trail of that observation, never at a looser level', () => {
    const failures = cases.flatMap(({ position, steps }) =>
      steps
        .filter((s) => s.check.exit === 'TRAILING_STOP')
        .filter((s) => !dec(s.check.level!).eq(trailLevel(position.side, s.check.trailing ?? s.before.trailing)!))
        .map((s) => show({ position, mark: s.mark, check: s.check })),
    );
    expect(failures).toEqual([]);
  });
});

describe('the armed trail and the hard stop: the tighter one is the stop', () => {
  const cases = randomCases('exits-tighter');

  it('both orders occur: an armed trail looser than the hard stop, and one tighter (not vacuous)', () => {
    const armedVsHard = cases.flatMap(({ position, steps }) =>
      position.stopLoss == null
        ? []
        : steps
            .map((s) => trailLevel(position.side, s.check.trailing ?? s.before.trailing))
            .filter((t) => t !== null)
            .map((t) => noWorse(position.side, t!, dec(position.stopLoss!))),
    );
    expect(armedVsHard.filter((tighter) => !tighter).length).toBeGreaterThan(100);
    expect(armedVsHard.filter((tighter) => tighter).length).toBeGreaterThan(100);
  });

  it('each mark exits exactly when it reaches the tighter level, at that level, never past the hard stop', () => {
    const failures = cases.flatMap(({ position, steps }) =>
      steps.flatMap(({ mark, before, check }) => {
        const trail = trailLevel(position.side, check.trailing ?? before.trailing);
        const hard = position.stopLoss != null ? dec(position.stopLoss) : null;
        const tighter = trail && (!hard || trail.minus(hard).mul(direction(position.side)).gt(0)) ? trail : hard;
        const reached = tighter !== null && noWorse(position.side, tighter, mark);
        const stopped = check.exit === 'STOP_LOSS' || check.exit === 'TRAILING_STOP';
        const expectedReason = tighter === hard ? 'STOP_LOSS' : 'TRAILING_STOP';
        const ok = reached ? check.exit === expectedReason && dec(check.level!).eq(tighter!) : !stopped;
        const withinHard = !hard || !stopped || noWorse(position.side, dec(check.level!), hard);
        return ok && withinHard ? [] : [show({ position, before: before.trailing, mark, check })];
      }),
    );
    expect(failures).toEqual([]);
  });

  it.each([
    // long from 100, hard stop 99; a 5% trail armed at +1% sits at 95.95 (looser): the hard stop is the stop
    ['LONG', '99', '0.05', '101', '99.5', null, null],
    ['LONG', '99', '0.05', '101', '99', 'STOP_LOSS', '99'],
    ['LONG', '99', '0.05', '101', '90', 'STOP_LOSS', '99'],
    // the same trail from a best of 110 sits at 104.5 (tighter): the trail is the stop
    ['LONG', '99', '0.05', '110', '104.5', 'TRAILING_STOP', '104.5'],
    // a short mirrors it: hard stop 101, trail 5% above a best of 99 at 103.95 (looser)
    ['SHORT', '101', '0.05', '99', '100.5', null, null],
    ['SHORT', '101', '0.05', '99', '120', 'STOP_LOSS', '101'],
    ['SHORT', '101', '0.05', '90', '94.5', 'TRAILING_STOP', '94.5'],
  ])('%s, hard stop %s, trail %s of best %s, mark %s: %s at %s', (side, stop, trail, best, mark, exit, level) => {
    const p: MonitoredPosition = {
      side: side as Side,
      entryPrice: '100',
      stopLoss: stop,
      takeProfit: null,
      trailing: { type: 'trailing', trail_pct: trail, activation_pct: '0.01', high_water: best, armed: true },
      openedAt: T0,
    };
    expect(checkExit(p, mark, T0)).toMatchObject({ exit, level });
  });
});

// ---------------------------------------------------------------------------------------------------- gaps

describe('a mark through both a stop and the take profit: the stop wins (conservative)', () => {
  const g = new Draws('exits-gap');
  const cases = Array.from({ length: PATHS }, () => {
    const side: Side = g.unit() < 0.5 ? 'LONG' : 'SHORT';
    const dir = direction(side);
    const at = (pct: number) => dec(100).mul(dec(1).plus(dec(pct).div(1000).mul(dir)));
    // a target above the entry (long) and a stop at or above the target: a stop moved up, or a trail that passed it
    const tp = g.int(1, 50);
    const stop = tp + g.int(0, 50);
    const viaTrail = g.unit() < 0.5;
    const best = at(stop).div(dec(1).minus(dec('0.01').mul(dir)));
    const position: MonitoredPosition = {
      side,
      entryPrice: '100',
      stopLoss: viaTrail ? at(-20).toString() : at(stop).toString(),
      takeProfit: at(tp).toString(),
      trailing: viaTrail ? { type: 'trailing', trail_pct: '0.01', activation_pct: null, high_water: best.toString(), armed: true } : null,
      openedAt: T0,
    };
    const mark = at(g.int(tp, stop)); // at or past the target, at or past the stop
    const expired = g.unit() < 0.5; // the holding time is up too
    return { position, mark, check: checkExit(position, mark, new Date(T0.getTime() + 3 * MINUTE), expired ? MINUTE : null) };
  });

  it('reports the stop, at its level, whether it is a hard stop or an armed trail, and also when the holding time is up', () => {
    const failures = cases.filter(({ position, check }) => {
      const want = position.trailing ? 'TRAILING_STOP' : 'STOP_LOSS';
      const level = position.trailing ? trailLevel(position.side, position.trailing)! : dec(position.stopLoss!);
      return check.exit !== want || !dec(check.level!).eq(level);
    });
    expect(failures.map(show)).toEqual([]);
    expect(cases.filter((c) => c.position.trailing).length).toBeGreaterThan(100);
    expect(cases.filter((c) => dec(c.mark).eq(c.position.takeProfit!)).length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------- mirror

/**
 * Prices on the lattice 2^a·5^b, so that the mirror image E²/x of every price is an exact decimal as well. Steps
 * are exact factors (±2.4 %, ±20–25 %, ±22–28 %) and the fractions below have exact mirrors too, so ties (a mark
 * exactly at a level) occur and must mirror exactly.
 */
const STEP_FACTORS = ['1.024', '0.9765625', '1.024', '0.9765625', '1', '1.25', '0.8', '1.28', '0.78125'];
const TRAILS = ['0.2', '0.0234375', '0.21875'];
const ACTIVATIONS = [null, '0', '0.024', '0.25', '0.048576'];
const E = new Dec(100);
const mirror = (x: Decimal.Value) => E.mul(E).div(x);
/** Significant digits stay well inside the 40 of Dec, so every product and mirror is exact. */
const exact = (x: Decimal) => x.precision() <= 30;

describe('a short mirrors a long', () => {
  const g = new Draws('exits-mirror');
  const cases = Array.from({ length: PATHS }, () => {
    const long: MonitoredPosition = {
      side: 'LONG',
      entryPrice: E.toString(),
      stopLoss: g.pick([null, '80', '97.65625', '78.125', '64', '102.4']),
      takeProfit: g.pick([null, '125', '102.4', '128', '104.8576', '156.25']),
      trailing:
        g.unit() < 0.8
          ? { type: 'trailing', trail_pct: g.pick(TRAILS), activation_pct: g.pick(ACTIVATIONS), high_water: E.toString() }
          : null,
      openedAt: T0,
    };
    const marks: Decimal[] = [];
    let px = E;
    for (let i = 0; i < STEPS; i++) {
      const next = px.mul(g.pick(STEP_FACTORS));
      px = exact(next) ? next : px;
      marks.push(px);
    }
    return { long, marks, maxHoldMs: g.pick([null, 10 * MINUTE, 30 * MINUTE]) };
  });

  /**
   * The short with the reflected prices (x → E²/x, a reflection through the entry in log-price) and the mirrored
   * fractions: a trail t below the best becomes t/(1 − t) above it (best·(1 − t) ↔ E²/(best·(1 − t))), an activation
   * move a from the entry becomes a/(1 + a). Stop and target are prices and reflect as prices.
   */
  function mirrored(p: MonitoredPosition): MonitoredPosition {
    const t = p.trailing;
    return {
      ...p,
      side: 'SHORT',
      stopLoss: p.stopLoss && mirror(p.stopLoss).toString(),
      takeProfit: p.takeProfit && mirror(p.takeProfit).toString(),
      trailing: t && {
        ...t,
        trail_pct: dec(t.trail_pct).div(dec(1).minus(t.trail_pct)).toString(),
        activation_pct: t.activation_pct && dec(t.activation_pct).div(dec(1).plus(t.activation_pct)).toString(),
        high_water: mirror(t.high_water).toString(),
      },
    };
  }

  it('the paths exit by every rule, some with the mark exactly at the level (not vacuous)', () => {
    const ends = cases.map((c) => run(c.long, c.marks, c.maxHoldMs).pop()!);
    for (const reason of ['TRAILING_STOP', 'STOP_LOSS', 'TAKE_PROFIT'])
      expect(ends.filter((e) => e.check.exit === reason).length).toBeGreaterThan(50);
    expect(ends.filter((e) => e.check.exit === 'MAX_HOLDING_TIME').length).toBeGreaterThan(5);
    expect(ends.filter((e) => e.check.exit === null).length).toBeGreaterThan(0);
    const ties = ends.filter((e) => e.check.exit && e.check.exit !== 'MAX_HOLDING_TIME' && e.mark.eq(e.check.level!));
    expect(ties.length).toBeGreaterThan(10);
  });

  it('at every observation: the same exit at the reflected level, and the reflected trailing state', () => {
    const failures = cases.flatMap(({ long, marks, maxHoldMs }) => {
      const asLong = run(long, marks, maxHoldMs);
      const asShort = run(mirrored(long), marks.map(mirror), maxHoldMs);
      const same =
        asLong.length === asShort.length &&
        asLong.every((l, i) => {
          const [a, b] = [l.check, asShort[i].check];
          const level = a.level === null ? b.level === null : b.level !== null && dec(b.level).eq(mirror(a.level));
          const trail =
            a.trailing === null
              ? b.trailing === null
              : b.trailing !== null &&
                !!a.trailing.armed === !!b.trailing.armed &&
                dec(b.trailing.high_water).eq(mirror(a.trailing.high_water));
          return a.exit === b.exit && level && trail;
        });
      return same ? [] : [show({ long, marks, long_checks: asLong.map((s) => s.check), short_checks: asShort.map((s) => s.check) })];
    });
    expect(failures).toEqual([]);
  });
});
