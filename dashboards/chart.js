// @ts-check
// The ECharts option of a KPI series: bars for flows, a line for stocks and ratios, the target as
// a dashed line, Chinese numbers on the axis and in the tooltip. Pure: no DOM, unit-tested.

import { attainmentView, axisValue, COUNT_UNITS, formatWithUnit, periodName, periodShort } from './format.js';

/** @typedef {import('../contracts/kpis.ts').KpiPoint} KpiPoint */

/**
 * @param {KpiPoint[]} series oldest first
 * @param {{ unit: string, kind: string | undefined }} kpi the unit of the value and the KPI's kind
 */
export function seriesChartOption(series, { unit, kind }) {
  const isStock = kind === 'stock' || kind === 'ratio';
  const hasTarget = series.some((p) => p.target !== null && p.target !== undefined);
  const axisText = '#8fb3d9';
  return {
    backgroundColor: 'transparent',
    animationDuration: 400,
    textStyle: { fontFamily: 'inherit' },
    grid: { left: 64, right: 24, top: 44, bottom: 48 },
    legend: { top: 6, right: 10, textStyle: { color: axisText, fontSize: 13 }, data: hasTarget ? ['数值', '目标'] : ['数值'] },
    tooltip: {
      trigger: 'axis',
      backgroundColor: 'rgba(6,22,48,.95)',
      borderColor: '#1f6fb2',
      textStyle: { color: '#e6f1ff' },
      formatter: (/** @type {Array<{ dataIndex: number }>} */ items) => {
        const p = series[items[0]?.dataIndex ?? 0];
        if (!p) return '';
        const att = attainmentView(p.attainment);
        return [
          periodName(p.period),
          `数值: ${formatWithUnit(p.value, unit)}`,
          hasTarget ? `目标: ${formatWithUnit(p.target, unit)}` : null,
          att ? `完成率: ${att.text}` : null,
          '点击查看明细',
        ].filter(Boolean).join('<br>');
      },
    },
    xAxis: {
      type: 'category',
      data: series.map((p) => periodShort(p.period)),
      axisLabel: { color: axisText, fontSize: 13 },
      axisLine: { lineStyle: { color: '#2b4a72' } },
    },
    yAxis: {
      type: 'value',
      name: unit,
      nameTextStyle: { color: axisText, fontSize: 13 },
      minInterval: COUNT_UNITS.has(unit) ? 1 : 0,
      axisLabel: { color: axisText, fontSize: 13, formatter: (/** @type {number} */ v) => axisValue(v, unit) },
      splitLine: { lineStyle: { color: 'rgba(80,130,190,.18)' } },
    },
    series: [
      {
        name: '数值',
        type: isStock ? 'line' : 'bar',
        data: series.map((p) => p.value),
        smooth: isStock,
        symbolSize: 7,
        barMaxWidth: 28,
        itemStyle: { color: '#35c3ff' },
        lineStyle: { width: 3 },
        areaStyle: isStock ? { color: 'rgba(53,195,255,.12)' } : undefined,
        selectedMode: 'single',
        select: { itemStyle: { color: '#ffd84d', borderColor: '#ffffff', borderWidth: 1 } },
        emphasis: { itemStyle: { color: '#7fd8ff' } },
      },
      ...(hasTarget
        ? [{ name: '目标', type: 'line', data: series.map((p) => p.target), symbol: 'diamond', symbolSize: 9, lineStyle: { type: 'dashed', color: '#ffb547', width: 2 }, itemStyle: { color: '#ffb547' } }]
        : []),
    ],
  };
}
