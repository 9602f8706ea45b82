'use client';

import { useEffect, useRef } from 'react';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

/** ECharts loaded once, with only the chart kinds the Questions page draws (tree-shaken). */
const loadECharts = async () => {
  const [core, charts, components, renderers] = await Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]);
  core.use([charts.BarChart, charts.HeatmapChart, components.GridComponent, components.TooltipComponent, components.VisualMapComponent, components.LegendComponent, renderers.CanvasRenderer]);
  return core;
};
let echarts: ReturnType<typeof loadECharts> | undefined;

/** A chart drawn by Apache ECharts from an option object: made once, updated in place when the option changes, resized with its box. */
export function Chart({ option, height = 260, label }: { option: EChartsCoreOption; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | undefined>(undefined);
  const latest = useRef(option);
  latest.current = option;

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | undefined;
    void (echarts ??= loadECharts()).then((core) => {
      if (disposed || !box.current) return;
      chart.current = core.init(box.current);
      chart.current.setOption(latest.current);
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(box.current);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = undefined;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} role="img" aria-label={label} data-testid="chart" style={{ height }} className="w-full" />;
}
