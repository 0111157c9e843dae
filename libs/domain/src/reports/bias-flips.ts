import { dec } from '../money';
import { NotableEvent } from './build';

/** One bias reading of an asset (seed 003's bias), its value a decimal string in −1..1. */
export interface BiasReading {
  asset: string;
  timeframe: string;
  timestamp: Date;
  value: string;
}

/**
 * Bias flips: an asset's bias whose sign changed (long → short or short → long) within the period, per timeframe.
 * Readings of 0 carry no sign and are skipped, so long → 0 → short is one flip, at the short reading. The readings
 * may include the last one before the period (the baseline a first reading in the period flips from); a flip is
 * reported when its reading is in [start, end).
 */
export function biasFlips(readings: readonly BiasReading[], start: Date, end: Date): NotableEvent[] {
  const series = new Map<string, BiasReading[]>();
  for (const r of readings) {
    const key = `${r.asset}\u0000${r.timeframe}`;
    series.set(key, [...(series.get(key) ?? []), r]);
  }
  const flips: NotableEvent[] = [];
  for (const points of series.values()) {
    points.sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());
    let last: { sign: number; value: string } | null = null;
    for (const p of points) {
      const sign = dec(p.value).cmp(0);
      if (sign === 0) continue;
      const inPeriod = p.timestamp >= start && p.timestamp < end;
      if (last && last.sign !== sign && inPeriod)
        flips.push({
          at: p.timestamp.toISOString(),
          kind: 'bias_flip',
          subject: p.asset,
          detail: `${p.asset} ${p.timeframe} bias flipped ${sign > 0 ? 'short to long' : 'long to short'} (${last.value} to ${p.value})`,
        });
      last = { sign, value: p.value };
    }
  }
  return flips;
}
