import { useMemo } from 'react';
import type { LeaderboardPoint } from '../api/client';
import { formatUsd } from '../format/decimal';
import { CHART_COLOURS, useTheme } from '../theme';
import { useChart, type ChartOption } from './echarts';

/**
 * A row's cumulative realized PnL, one point a day, without axes. The figures stay the API's strings: ECharts reads
 * them to place the line, nothing adds them up here. Its label says where the line starts and ends.
 */
export function Sparkline({ points, days, name }: { points: LeaderboardPoint[]; days: number; name: string }) {
  const { theme } = useTheme();
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 1, right: 1, top: 2, bottom: 2 },
      xAxis: { type: 'category', show: false, data: points.map((p) => p.day) },
      yAxis: { type: 'value', show: false, scale: true },
      series: [
        {
          type: 'line',
          data: points.map((p) => p.pnl),
          // A single day is a dot: a line needs two.
          showSymbol: points.length === 1,
          symbolSize: 3,
          lineStyle: { width: 1.5, color: CHART_COLOURS[theme].series[0] },
          itemStyle: { color: CHART_COLOURS[theme].series[0] },
          silent: true,
        },
      ],
    }),
    [points, theme],
  );
  const ref = useChart<HTMLDivElement>(option);
  const label = points.length
    ? `${name}: cumulative realized PnL over ${days} days, from ${formatUsd(points[0].pnl)} to ${formatUsd(points[points.length - 1].pnl)}`
    : `${name}: no realized PnL in the last ${days} days`;
  return <div ref={ref} className="sparkline" role="img" aria-label={label} data-points={points.length} />;
}
