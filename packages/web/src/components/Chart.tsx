/** Apache ECharts line chart (tree-shaken: line + bar, grid, tooltip, legend, mark lines). */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export type Line = { name: string; points: [number, number | null][]; dashed?: boolean };
export type Mark = { name: string; value: number; color: string };

export default function Chart({ lines, marks = [], unit, bars }: { lines?: Line[]; marks?: Mark[]; unit?: string; bars?: { names: string[]; values: (number | null)[] } }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    const axisLabel = { formatter: (v: number) => `${v}${unit && unit !== 'count' ? ' ' + unit : ''}` };
    if (bars) {
      chart.setOption({
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', axisLabel },
        yAxis: { type: 'category', data: bars.names, inverse: true },
        series: [{ type: 'bar', data: bars.values, itemStyle: { color: '#3b82f6' } }],
      });
    } else {
      chart.setOption({
        grid: { left: 8, right: 64, top: 32, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis' },
        legend: { top: 0 },
        xAxis: { type: 'time' },
        yAxis: { type: 'value', axisLabel, scale: true },
        series: (lines ?? []).map((l, i) => ({
          name: l.name,
          type: 'line',
          showSymbol: false,
          connectNulls: false,
          data: l.points,
          lineStyle: l.dashed ? { type: 'dashed', opacity: 0.6 } : {},
          ...(i === 0 && marks.length > 0
            ? { markLine: { symbol: 'none', data: marks.map((m) => ({ name: m.name, yAxis: m.value, lineStyle: { color: m.color, type: 'dashed' }, label: { formatter: m.name, color: m.color } })) } }
            : {}),
        })),
      });
    }
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [lines, marks, unit, bars]);
  return <div ref={el} className="chart" />;
}
