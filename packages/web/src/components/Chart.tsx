/** Apache ECharts line chart (tree-shaken: line + bar, grid, tooltip, legend, mark lines). */
import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { hasLone } from './lone';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, CanvasRenderer]);

export type Line = { name: string; points: [number, number | null][]; dashed?: boolean };
export type Mark = { name: string; value: number; color: string };

type Extent = { min: number; max: number };

/**
 * The y-axis stretched to show the threshold nearest to the data (the first mark, the warning
 * line): healthy data sits far from its thresholds, and a line off the axis tells the reader
 * nothing about the margin left. The bound is rounded to a step of the stretched span. Rates
 * stop at 100 %.
 */
function reach(near: number | undefined, unit: string | undefined): { min?: (e: Extent) => number | null; max?: (e: Extent) => number | null } {
  // a rate never goes past 100 %: no empty band above it (a flat 100 % line got an axis to 160 %)
  const cap = (e: Extent, v: number | null) => (unit === '%' && e.max <= 100 ? Math.min(100, v ?? 100) : v);
  if (near === undefined) return unit === '%' ? { max: (e) => cap(e, null) } : {};
  const step = (span: number) => echarts.number.nice(span / 5, true) || 1;
  const fix = (x: number) => +x.toPrecision(12);
  return {
    min: (e) => {
      if (!(near < e.min)) return null;
      const s = step(e.max - near);
      return fix(Math.floor((near - (e.max - near) * 0.1) / s) * s);
    },
    max: (e) => {
      if (!(near > e.max)) return cap(e, null);
      const s = step(near - e.min);
      return cap(e, fix(Math.ceil((near + (near - e.min) * 0.1) / s) * s));
    },
  };
}

export default function Chart({ lines, marks = [], unit, bars }: { lines?: Line[]; marks?: Mark[]; unit?: string; bars?: { names: string[]; values: (number | null)[] } }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current, undefined, { renderer: 'canvas' });
    // labels that would overlap (a phone-wide bar chart) are dropped, not drawn over each other
    const axisLabel = { hideOverlap: true, formatter: (v: number) => `${v}${unit && unit !== 'count' ? ' ' + unit : ''}` };
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
        yAxis: { type: 'value', axisLabel, scale: true, ...reach(marks[0]?.value, unit) },
        series: (lines ?? []).map((l, i) => ({
          name: l.name,
          type: 'line',
          // a series with a lone value shows its dots (ECharts has no per-point switch)
          showSymbol: hasLone(l.points.map((p) => p[1])),
          symbolSize: 5,
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
