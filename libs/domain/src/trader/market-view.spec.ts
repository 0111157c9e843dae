import { changeFraction, markAt, MarkSample, marketView, marketViewTimes, SERIES_LENGTH } from './market-view';

const NOW = new Date('2026-06-15T12:00:30Z');
const at = (iso: string, mark: string): MarkSample => ({ minute: new Date(iso), mark });
const minutesBefore = (now: Date, minutes: number) => new Date(Math.floor((now.getTime() - minutes * 60_000) / 60_000) * 60_000);

describe('changeFraction: mark / base − 1, half-even to 8 places', () => {
  it.each([
    ['130', '125', '0.04'],
    ['130', '110', '0.18181818'], // 0.181818181…
    ['1', '3', '-0.66666667'], // −0.666666666…
    ['8', '7', '0.14285714'], // 0.142857142…
    ['100.000000005', '100', '0'], // 5e-11 rounds to 0, printed without a sign
    ['99.999999995', '100', '0'],
    ['1.000000015', '1', '0.00000002'], // 1.5e-8: half-even to 2e-8
    ['1.000000025', '1', '0.00000002'], // 2.5e-8: half-even to 2e-8
    ['1903.95000000', '1903.95', '0'],
    ['2000', '1000', '1'],
  ])('%s against %s is %s', (mark, base, expected) => {
    expect(changeFraction(mark, base)).toBe(expected);
  });

  it('is null without a mark, without a base, or from a zero base', () => {
    expect(changeFraction(null, '1')).toBeNull();
    expect(changeFraction('1', null)).toBeNull();
    expect(changeFraction('1', '0.00000000')).toBeNull();
  });
});

describe('markAt: the latest sample at or before a time', () => {
  const samples = [at('2026-06-15T11:00:00Z', '125'), at('2026-06-15T10:59:00Z', '120'), at('2026-06-15T11:02:00Z', '127')];
  it.each([
    ['2026-06-15T10:58:59Z', null],
    ['2026-06-15T10:59:00Z', '120'], // at: included
    ['2026-06-15T10:59:59Z', '120'],
    ['2026-06-15T11:00:30Z', '125'],
    ['2026-06-15T11:01:59Z', '125'], // a minute without a sample: the mark did not change
    ['2026-06-15T12:00:00Z', '127'],
  ])('at %s: %s (samples in any order)', (time, expected) => {
    expect(markAt(samples, new Date(time))).toBe(expected);
  });
});

describe('marketView', () => {
  const samples = [
    at('2026-06-14T11:00:00Z', '100'), // the one at or before now − 24h (12:00:30 the day before)
    at('2026-06-14T12:01:00Z', '90'), // after now − 24h
    at('2026-06-15T08:00:00Z', '110'), // at or before now − 4h (08:00:30)
    at('2026-06-15T10:59:00Z', '120'),
    at('2026-06-15T11:00:00Z', '125'), // at or before now − 1h (11:00:30)
    at('2026-06-15T11:40:00Z', '128'),
    at('2026-06-15T11:56:00Z', '129'),
    at('2026-06-15T12:01:00Z', '999'), // after now: ignored
  ];

  /** [name, samples, current mark (undefined: the default), now, view] */
  const cases: [string, MarkSample[], string | null | undefined, Date, ReturnType<typeof marketView>][] = [
    [
      'every lookback has a sample: changes against each, the series every 5 minutes then the current mark',
      samples,
      '130',
      NOW,
      {
        change1h: '0.04',
        change4h: '0.18181818',
        change24h: '0.3',
        // now − 55 … − 25 min (11:05:30 … 11:35:30): 125; − 20 … − 5 (11:40:30 … 11:55:30): 128; then 130
        series: ['125', '125', '125', '125', '125', '125', '125', '128', '128', '128', '128', '130'],
      },
    ],
    [
      'the current mark defaults to the latest sample at or before now',
      samples,
      undefined,
      NOW,
      {
        change1h: '0.032',
        change4h: '0.17272727',
        change24h: '0.29',
        series: ['125', '125', '125', '125', '125', '125', '125', '128', '128', '128', '128', '129'],
      },
    ],
    [
      'no samples: no changes, the series is the current mark',
      [],
      '130',
      NOW,
      { change1h: null, change4h: null, change24h: null, series: ['130'] },
    ],
    ['no samples and no mark: nothing', [], null, NOW, { change1h: null, change4h: null, change24h: null, series: [] }],
    [
      'samples only from the last 20 minutes: no changes, a short series',
      [at('2026-06-15T11:45:00Z', '50'), at('2026-06-15T11:52:00Z', '51')],
      '52',
      NOW,
      { change1h: null, change4h: null, change24h: null, series: ['50', '50', '51', '52'] },
    ],
    [
      'a sample exactly at now − 1h counts; a falling mark gives a negative change',
      [at('2026-06-15T11:00:00Z', '3')],
      '1',
      new Date('2026-06-15T12:00:00Z'),
      { change1h: '-0.66666667', change4h: null, change24h: null, series: [...Array(11).fill('3'), '1'] },
    ],
  ];

  it.each(cases)('%s', (_name, given, mark, now, expected) => {
    expect(mark === undefined ? marketView(given, now) : marketView(given, now, mark)).toEqual(expected);
  });

  it('keeps the marks as given (DECIMAL(20,8) text stays text)', () => {
    const view = marketView([at('2026-06-14T12:00:00Z', '1903.95000000')], NOW, '1999.14750000');
    expect(view).toEqual({
      change1h: '0.05',
      change4h: '0.05',
      change24h: '0.05',
      series: [...Array(11).fill('1903.95000000'), '1999.14750000'],
    });
  });

  it('is the same from every sample as from the latest sample at or before each of marketViewTimes', () => {
    // A day and a half of per-minute samples with gaps (minutes the mark did not change).
    const dense: MarkSample[] = [];
    let mark = 2000;
    for (let m = 36 * 60; m >= 0; m--) {
      mark = Math.round((mark + Math.sin(m / 7) * 3 + (m % 13) - 6) * 100) / 100;
      if (m % 5 !== 2) dense.push({ minute: minutesBefore(NOW, m), mark: mark.toFixed(2) });
    }
    const times = marketViewTimes(NOW);
    expect(times).toHaveLength(3 + SERIES_LENGTH);
    expect(times.map((t) => t.getTime())).toEqual([...times].map((t) => t.getTime()).sort((a, b) => a - b));
    const thin = times.flatMap((t) => {
      const latest = dense.filter((s) => s.minute <= t).sort((a, b) => b.minute.getTime() - a.minute.getTime())[0];
      return latest ? [latest] : [];
    });
    expect(thin.length).toBeLessThan(20);
    const full = marketView(dense, NOW, '2100.5');
    expect(marketView(thin, NOW, '2100.5')).toEqual(full);
    expect(full.series).toHaveLength(SERIES_LENGTH);
    expect(full.change24h).not.toBeNull();
  });
});
