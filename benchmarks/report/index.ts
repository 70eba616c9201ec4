// Reports of suite results: summary.json, Markdown and HTML pages, hand-written SVG plots.
export { writeReport, writeSummary, findSuiteFolders } from './write-report.js';
export type { ReportFiles } from './write-report.js';
export { summarize } from './summarize.js';
export type { SuiteSummary } from './summarize.js';
export { lineChart } from './line-chart.js';
export type { LineChartSpec, LineSeries } from './line-chart.js';
export { barChart } from './bar-chart.js';
export type { BarChartSpec, BarGroup } from './bar-chart.js';
export { scatterChart } from './scatter-chart.js';
export type { ScatterPoint } from './scatter-chart.js';
export { mean, sampleStd, ci95, estimate, meanCurve } from './stats.js';
export type { Estimate, BandPoint } from './stats.js';
