import Decimal from 'decimal.js';
import { dec } from '../money';

/**
 * A coin's recent moves as an LLM trader's prompt shows them: the change over 1h / 4h / 24h and a short series of
 * marks. Read from sampled marks (market_marks): a sample is the last mark of its minute, and a minute without one is
 * a minute the mark did not change, so the mark at a time is the latest sample at or before it (to the minute).
 */

/** One sampled mark: the last mark of its minute. */
export interface MarkSample {
  minute: Date;
  mark: string;
}

/** Changes are fractions (0.012 = +1.2 %), null when no sample is that old; the series is oldest first. */
export interface MarketView {
  change1h: string | null;
  change4h: string | null;
  change24h: string | null;
  series: string[];
}

const MINUTE_MS = 60_000;
/** How far back each change looks. */
export const CHANGE_LOOKBACK_MS = { change1h: 60 * MINUTE_MS, change4h: 240 * MINUTE_MS, change24h: 1440 * MINUTE_MS } as const;
/** The series: up to this many marks, one every SERIES_STEP_MS, the last being the current mark. */
export const SERIES_LENGTH = 12;
export const SERIES_STEP_MS = 5 * MINUTE_MS;
/** Decimal places of a change (rounded half-even). */
export const CHANGE_DECIMALS = 8;

/** The series' times before the current mark, oldest first: now − 55 min, …, now − 5 min. */
function seriesTimes(now: Date): Date[] {
  return Array.from({ length: SERIES_LENGTH - 1 }, (_, i) => new Date(now.getTime() - (SERIES_LENGTH - 1 - i) * SERIES_STEP_MS));
}

/**
 * Every time whose mark the view reads, oldest first. The view of all samples equals the view of, for each of these
 * times, the latest sample at or before it: a reader fetches just those (libs/db market-view.ts).
 */
export function marketViewTimes(now: Date): Date[] {
  const lookbacks = Object.values(CHANGE_LOOKBACK_MS).map((ms) => new Date(now.getTime() - ms));
  return [...lookbacks, ...seriesTimes(now), now].sort((a, b) => a.getTime() - b.getTime());
}

/** The mark at `at`: the latest sample at or before it; null when none is that old. Samples in any order. */
export function markAt(samples: readonly MarkSample[], at: Date): string | null {
  let found: MarkSample | null = null;
  for (const s of samples) {
    if (s.minute.getTime() <= at.getTime() && (!found || s.minute.getTime() > found.minute.getTime())) found = s;
  }
  return found?.mark ?? null;
}

/** mark / base − 1, rounded half-even to CHANGE_DECIMALS places; null without either, or from a zero base. */
export function changeFraction(mark: string | null, base: string | null): string | null {
  if (mark === null || base === null || dec(base).isZero()) return null;
  return dec(mark).div(base).minus(1).toDecimalPlaces(CHANGE_DECIMALS, Decimal.ROUND_HALF_EVEN).toFixed();
}

/**
 * The view at `now` from the samples (in any order; those after `now` are ignored) and the current mark (default:
 * the latest sample at or before now). Each change compares the mark with the mark at now − 1h / 4h / 24h. The series
 * holds the mark at now − 55 min, now − 50 min, …, now − 5 min where a sample is that old, then the current mark.
 * Marks are kept as given.
 */
export function marketView(samples: readonly MarkSample[], now: Date, mark: string | null = markAt(samples, now)): MarketView {
  const back = (ms: number) => changeFraction(mark, markAt(samples, new Date(now.getTime() - ms)));
  const series = seriesTimes(now)
    .map((t) => markAt(samples, t))
    .filter((m): m is string => m !== null);
  if (mark !== null) series.push(mark);
  return {
    change1h: back(CHANGE_LOOKBACK_MS.change1h),
    change4h: back(CHANGE_LOOKBACK_MS.change4h),
    change24h: back(CHANGE_LOOKBACK_MS.change24h),
    series,
  };
}
