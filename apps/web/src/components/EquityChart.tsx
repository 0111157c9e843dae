import { useMemo } from 'react';
import type { LeaderboardRow } from '../api/client';
import { formatDay } from '../format/time';
import { formatUsd } from '../format/decimal';
import { CHART_COLOURS, useTheme } from '../theme';
import { useChart, type ChartOption } from './echarts';

type Item = [day: string, pnl: string];
const axisUsd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', notation: 'compact' });

/**
 * The compared agents' cumulative realized PnL overlaid, one line each, on a day axis. The tooltip shows the API's own
 * strings (the hovered item as given); only the axis ticks, which ECharts picks, are numbers.
 */
export function EquityChart({ rows, days }: { rows: LeaderboardRow[]; days: number }) {
  const { theme } = useTheme();
  const colours = CHART_COLOURS[theme];
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      color: colours.series,
      textStyle: { color: colours.text },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: { color: colours.text } },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const list = (Array.isArray(params) ? params : [params]) as { seriesName?: string; marker?: unknown; data: unknown }[];
          const day = (list[0]?.data as Item | undefined)?.[0];
          const lines = list.map(
            (p) => `${String(p.marker ?? '')}${p.seriesName ?? ''}: ${formatUsd((p.data as Item)[1], { signed: true })}`,
          );
          return [day ? formatDay(day) : '', ...lines].join('<br/>');
        },
      },
      xAxis: { type: 'time', axisLabel: { color: colours.text }, axisLine: { lineStyle: { color: colours.grid } } },
      yAxis: {
        type: 'value',
        scale: true,
        axisLabel: { color: colours.text, formatter: (v: number) => axisUsd.format(v) },
        splitLine: { lineStyle: { color: colours.grid } },
      },
      series: rows.map((r) => ({
        type: 'line',
        name: r.name,
        showSymbol: r.sparkline.length === 1,
        data: r.sparkline.map((p): Item => [p.day, p.pnl]),
      })),
    }),
    [rows, colours],
  );
  const ref = useChart<HTMLDivElement>(option);
  const label = `Cumulative realized PnL over ${days} days of ${rows.map((r) => r.name).join(', ')}`;
  return <div ref={ref} className="equity-chart" role="img" aria-label={label} />;
}
