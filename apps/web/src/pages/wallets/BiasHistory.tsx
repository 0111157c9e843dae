import { useMemo } from 'react';
import { ApiError } from '../../api/client';
import { BIAS_HISTORY, useBiasHistory, type BiasTimeframe } from '../../api/wallets';
import { formatDecimal } from '../../format/decimal';
import { formatTime } from '../../format/time';
import { CHART_COLOURS, useTheme } from '../../theme';
import { useWalletChart, type WalletChartOption } from './charts';

type Item = [at: string, value: string];

function summary(count: number, latest: string | undefined): string {
  const readings = `${count} ${count === 1 ? 'reading' : 'readings'} (the newest ${BIAS_HISTORY} at most)`;
  return latest ? `${readings}; latest ${formatDecimal(latest, 3, { signed: true })}` : readings;
}

/** An asset's bias over time for one timeframe (the newest readings), a line from -1 to +1. */
export function BiasHistory({ asset, timeframe }: { asset: string; timeframe: BiasTimeframe }) {
  const history = useBiasHistory(asset, timeframe);
  const { theme } = useTheme();
  const colours = CHART_COLOURS[theme];
  const points = useMemo(
    () =>
      (history.data ?? [])
        .filter((b) => b.value !== null)
        .map((b): Item => [String(b.timestamp), b.value!])
        .reverse(),
    [history.data],
  );
  const option = useMemo<WalletChartOption>(
    () => ({
      animation: false,
      color: colours.series,
      textStyle: { color: colours.text },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params) => {
          const item = (Array.isArray(params) ? params[0] : params)?.data as Item | undefined;
          return item ? `${formatTime(new Date(item[0]))}: ${formatDecimal(item[1], 3, { signed: true })}` : '';
        },
      },
      xAxis: { type: 'time', axisLabel: { color: colours.text }, axisLine: { lineStyle: { color: colours.grid } } },
      yAxis: { type: 'value', min: -1, max: 1, axisLabel: { color: colours.text }, splitLine: { lineStyle: { color: colours.grid } } },
      series: [{ type: 'line', name: `${asset} ${timeframe}`, showSymbol: points.length < 40, data: points }],
    }),
    [points, colours, asset, timeframe],
  );
  const ref = useWalletChart<HTMLDivElement>(option);
  if (history.isError)
    return (
      <p role="alert" className="error">
        The bias history could not be loaded: {history.error instanceof ApiError ? history.error.message : 'the API did not answer'}.
      </p>
    );
  const latest = points.at(-1);
  return (
    <>
      <p className="meta" role="status">
        {history.isPending ? 'Loading the history…' : summary(points.length, latest?.[1])}
      </p>
      <div
        ref={ref}
        className="bias-history"
        role="img"
        aria-label={`Smart-money bias of ${asset} over ${timeframe} windows in time, from -1 short to +1 long`}
      />
    </>
  );
}
