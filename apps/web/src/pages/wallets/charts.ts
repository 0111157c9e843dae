import { HeatmapChart, LineChart, type HeatmapSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  TooltipComponent,
  VisualMapComponent,
  type GridComponentOption,
  type TooltipComponentOption,
  type VisualMapComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// The wallet pages' charts: a heatmap with its colour scale, and lines, on canvas.
echarts.use([HeatmapChart, LineChart, GridComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

export type WalletChartOption = echarts.ComposeOption<
  HeatmapSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption
>;

/** An ECharts instance on the returned element, as components/echarts.ts's useChart, for these series kinds. */
export function useWalletChart<T extends HTMLElement>(option: WalletChartOption) {
  const ref = useRef<T>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    const instance = echarts.init(ref.current!, null, { renderer: 'canvas' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(ref.current!);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return ref;
}
