import { useMemo } from 'react';
import type { BiasPoint, BiasTimeframe } from '../../api/wallets';
import { formatDecimal } from '../../format/decimal';
import { CHART_COLOURS, useTheme } from '../../theme';
import { useWalletChart, type WalletChartOption } from './charts';

export const TIMEFRAMES: BiasTimeframe[] = ['1h', '4h', '24h'];
/** Short (-1) red, flat grey, long (+1) green; the cell's text is the API's string, the colour only its place. */
const SCALE = { light: ['#b91c1c', '#e5e7eb', '#047857'], dark: ['#f87171', '#374151', '#34d399'] };

type Cell = [x: number, y: number, value: number, text: string];

/** The latest smart-money bias, asset × timeframe, as an ECharts heatmap; the same figures as a table below it. */
export function BiasHeatmap({ bias }: { bias: BiasPoint[] }) {
  const { theme } = useTheme();
  const colours = CHART_COLOURS[theme];
  const assets = useMemo(() => [...new Set(bias.map((b) => b.asset))].sort(), [bias]);
  const option = useMemo<WalletChartOption>(() => {
    const cells: Cell[] = bias
      .filter((b) => b.value !== null)
      // Number() only places the cell on the colour scale; its label is the API's decimal string.
      .map((b) => [TIMEFRAMES.indexOf(b.timeframe), assets.indexOf(b.asset), Number(b.value), formatDecimal(b.value, 3, { signed: true })]);
    return {
      animation: false,
      textStyle: { color: colours.text },
      grid: { left: 8, right: 8, top: 8, bottom: 56, containLabel: true },
      tooltip: {
        formatter: (p) => {
          const [x, y, , text] = (Array.isArray(p) ? p[0] : p).data as Cell;
          return `${assets[y]} ${TIMEFRAMES[x]}: ${text}`;
        },
      },
      xAxis: { type: 'category', data: TIMEFRAMES, axisLabel: { color: colours.text }, splitArea: { show: true } },
      yAxis: { type: 'category', data: assets, axisLabel: { color: colours.text }, splitArea: { show: true } },
      visualMap: {
        min: -1,
        max: 1,
        dimension: 2,
        orient: 'horizontal',
        left: 'center',
        bottom: 0,
        itemHeight: 120,
        text: ['long', 'short'],
        textStyle: { color: colours.text },
        inRange: { color: SCALE[theme] },
      },
      series: [
        {
          type: 'heatmap',
          data: cells,
          label: { show: true, formatter: (p) => (p.data as Cell)[3], color: theme === 'dark' ? '#f9fafb' : '#111827' },
        },
      ],
    };
  }, [bias, assets, colours, theme]);
  const ref = useWalletChart<HTMLDivElement>(option);
  return (
    <>
      <div
        ref={ref}
        className="bias-heatmap"
        style={{ height: `${Math.max(160, assets.length * 44 + 90)}px` }}
        role="img"
        aria-label={`Latest smart-money bias of ${assets.join(', ')} per timeframe (1h, 4h, 24h), from -1 short to +1 long`}
      />
      <details className="bias-table">
        <summary>The bias as a table</summary>
        <div className="table-scroll" role="region" aria-label="Bias by asset and timeframe" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                {TIMEFRAMES.map((t) => (
                  <th scope="col" className="num" key={t}>
                    {t}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {assets.map((a) => (
                <tr key={a}>
                  <th scope="row">{a}</th>
                  {TIMEFRAMES.map((t) => (
                    <td className="num" key={t}>
                      {formatDecimal(bias.find((b) => b.asset === a && b.timeframe === t)?.value, 3, { signed: true })}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
