import { useMemo } from 'react';
import type { PerformanceDay } from '../../api/agent';
import { useChart, type ChartOption } from '../../components/echarts';
import { formatUsd } from '../../format/decimal';
import { formatDay } from '../../format/time';
import { CHART_COLOURS, useTheme } from '../../theme';

type Field = 'cumulative_pnl' | 'pnl' | 'drawdown';
const axisUsd = new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD', notation: 'compact' });

const CHARTS: { field: Field; title: string; type: 'line' | 'bar'; area?: boolean }[] = [
  { field: 'cumulative_pnl', title: 'Equity curve: cumulative realized PnL', type: 'line' },
  { field: 'pnl', title: 'Daily PnL', type: 'bar' },
  { field: 'drawdown', title: 'Drawdown from the best cumulative PnL', type: 'line', area: true },
];

/** One day axis chart of a field of the daily series: ECharts reads the strings to place points; tooltips show them. */
function DayChart({ days, field, title, type, area }: { days: PerformanceDay[] } & (typeof CHARTS)[number]) {
  const { theme } = useTheme();
  const colours = CHART_COLOURS[theme];
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      textStyle: { color: colours.text },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const p = (Array.isArray(params) ? params[0] : params) as { dataIndex: number };
          const day = days[p.dataIndex];
          return day ? `${formatDay(day.day)}<br/>${formatUsd(day[field], { signed: field !== 'drawdown' })}` : '';
        },
      },
      xAxis: {
        type: 'category',
        data: days.map((d) => d.day),
        axisLabel: { color: colours.text },
        axisLine: { lineStyle: { color: colours.grid } },
      },
      yAxis: {
        type: 'value',
        scale: field === 'cumulative_pnl',
        axisLabel: { color: colours.text, formatter: (v: number) => axisUsd.format(v) },
        splitLine: { lineStyle: { color: colours.grid } },
      },
      series: [
        type === 'bar'
          ? {
              type: 'bar',
              name: title,
              // Only the colour needs a sign: read from the string's first character, not from a float.
              data: days.map((d) => ({ value: d[field], itemStyle: { color: d[field].startsWith('-') ? '#b91c1c' : colours.series[2] } })),
            }
          : {
              type: 'line',
              name: title,
              showSymbol: days.length === 1,
              data: days.map((d) => d[field]),
              lineStyle: { color: area ? '#b91c1c' : colours.series[0] },
              itemStyle: { color: area ? '#b91c1c' : colours.series[0] },
              areaStyle: area ? { color: 'rgba(185, 28, 28, 0.25)' } : undefined,
            },
      ],
    }),
    [days, field, title, type, area, colours],
  );
  const ref = useChart<HTMLDivElement>(option);
  const last = days[days.length - 1];
  const label = last
    ? `${title}: ${days.length} days, the last ${formatDay(last.day)} at ${formatUsd(last[field])}`
    : `${title}: no days yet`;
  return (
    <figure className="day-chart">
      <figcaption>{title}</figcaption>
      <div ref={ref} className={`agent-chart agent-chart-${field}`} role="img" aria-label={label} />
    </figure>
  );
}

/** The agent's equity curve, daily PnL bars and drawdown, from the performance endpoint's daily series. */
export function PerformanceCharts({ days }: { days: PerformanceDay[] }) {
  if (!days.length) return <p className="empty">No daily PnL yet.</p>;
  return (
    <div className="agent-charts">
      {CHARTS.map((c) => (
        <DayChart key={c.field} days={days} {...c} />
      ))}
    </div>
  );
}
