import {
  createChart,
  createSeriesMarkers,
  LineSeries,
  LineStyle,
  type IChartApi,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'react';
import type { AgentTrade, MarkPoint } from '../../api/agent';
import { formatPrice } from '../../format/decimal';
import { formatTime } from '../../format/time';
import { CHART_COLOURS, useTheme } from '../../theme';

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000) as UTCTimestamp;

/** The latest mark time at or before `t` (markers sit on a point of the series), or the first one. */
function snap(times: readonly number[], t: number): UTCTimestamp {
  let found = times[0];
  for (const x of times) if (x <= t) found = x;
  return found as UTCTimestamp;
}

/** Entries and exits of the coin's trades as series markers, oldest first (lightweight-charts wants them sorted). */
export function tradeMarkers(trades: readonly AgentTrade[], times: readonly number[]): SeriesMarker<Time>[] {
  const markers: SeriesMarker<Time>[] = [];
  for (const t of trades) {
    const long = t.side === 'long';
    markers.push({
      time: snap(times, seconds(t.entry_time)),
      position: long ? 'belowBar' : 'aboveBar',
      shape: long ? 'arrowUp' : 'arrowDown',
      color: long ? '#047857' : '#b91c1c',
      text: `${long ? 'Long' : 'Short'} ${formatPrice(t.entry_price)}`,
      id: `entry-${t.id}`,
    });
    if (t.exit_time && t.exit_price)
      markers.push({
        time: snap(times, seconds(t.exit_time)),
        position: long ? 'aboveBar' : 'belowBar',
        shape: 'circle',
        color: '#6d28d9',
        text: `Exit ${formatPrice(t.exit_price)}`,
        id: `exit-${t.id}`,
      });
  }
  return markers.sort((a, b) => (a.time as number) - (b.time as number));
}

/**
 * The coin's marks as a line (lightweight-charts), its trades' entries and exits as markers, and the selected trade's
 * stop loss, take profit, entry and exit as price lines. The marks are read as numbers only to place the line.
 */
export function PriceChart({
  coin,
  marks,
  trades,
  selected,
}: {
  coin: string;
  marks: MarkPoint[];
  trades: AgentTrade[];
  selected?: AgentTrade;
}) {
  const { theme } = useTheme();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<{ api: IChartApi; line: ISeriesApi<'Line'>; markers: ISeriesMarkersPluginApi<Time> } | null>(null);

  useEffect(() => {
    const api = createChart(box.current!, {
      autoSize: true,
      layout: { attributionLogo: false },
      localization: { timeFormatter: (t: Time) => formatTime((t as number) * 1000) },
      timeScale: { timeVisible: true },
    });
    const line = api.addSeries(LineSeries, { lineWidth: 2, priceFormat: { type: 'price', precision: 2, minMove: 0.01 } });
    chart.current = { api, line, markers: createSeriesMarkers(line, []) };
    return () => {
      api.remove();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current!;
    const colours = CHART_COLOURS[theme];
    c.api.applyOptions({
      layout: { background: { color: 'transparent' }, textColor: colours.text },
      grid: { vertLines: { color: colours.grid }, horzLines: { color: colours.grid } },
    });
    c.line.applyOptions({ color: colours.series[0] });
    const points = marks.map((m) => ({ time: seconds(m.minute), value: Number(m.mark) }));
    c.line.setData(points);
    const markers = points.length
      ? tradeMarkers(
          trades,
          points.map((p) => p.time),
        )
      : [];
    c.markers.setMarkers(markers);
    box.current!.dataset.markers = String(markers.length);
    const lines = selected
      ? [
          { price: selected.stop_loss, title: 'Stop loss', color: '#b91c1c' },
          { price: selected.take_profit, title: 'Take profit', color: '#047857' },
          { price: selected.entry_price, title: 'Entry', color: colours.series[1] },
          { price: selected.exit_price, title: 'Exit', color: '#6d28d9' },
        ]
          .filter((l) => l.price !== null)
          .map((l) =>
            c.line.createPriceLine({ price: Number(l.price), title: l.title, color: l.color, lineStyle: LineStyle.Dashed, lineWidth: 1 }),
          )
      : [];
    c.api.timeScale().fitContent();
    return () => lines.forEach((l) => c.line.removePriceLine(l));
  }, [marks, trades, selected, theme]);

  const label =
    `${coin} price from ${marks.length} marks, with ${trades.length} trades' entries and exits marked` +
    (selected
      ? `; stop loss ${formatPrice(selected.stop_loss)} and take profit ${formatPrice(selected.take_profit)} of the selected trade`
      : '');
  return <div ref={box} className="price-chart" role="img" aria-label={label} />;
}
