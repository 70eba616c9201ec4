import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineLine } from '../lib/machine-info.js';
import { readResults } from '../runner/results-file.js';
import { readManifest, RESULTS_FILE, SUITE_FILE } from '../runner/run-suite.js';
import { loadSuite, SUITES } from '../suites/index.js';
import { renderHtml, renderMarkdown, type Section } from './document.js';
import { suiteSection } from './suite-sections.js';
import { summarize, type SuiteSummary } from './summarize.js';

/** The files {@link writeReport} wrote. */
export interface ReportFiles {
  readonly markdown: string;
  readonly html: string;
  readonly plots: string[];
  /** `summary.json` of each suite folder. */
  readonly summaries: string[];
}

/** The suite folders in `dir`: `dir` itself when it holds a `suite.json`, else its subfolders that do. */
export function findSuiteFolders(dir: string): string[] {
  if (!existsSync(dir)) throw new Error(`${dir} does not exist; run a suite first (flash-gym bench <suite> --out ${dir})`);
  if (existsSync(join(dir, SUITE_FILE))) return [dir];
  const folders = readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isDirectory() && existsSync(join(path, SUITE_FILE)))
    .sort();
  if (folders.length === 0) throw new Error(`${dir} holds no suite results (no ${SUITE_FILE} in it or its subfolders); flash-gym bench <suite> --out DIR writes them`);
  return folders;
}

/**
 * Summarizes one suite folder and writes its `summary.json`: the suite's own summary when it has one
 * (adaptation: issue 7's layout with speed-ups and cost prediction), else the generic one; both carry the
 * failed runs. Returns the generic summary, which the report's tables read.
 */
export async function writeSummary(folder: string): Promise<SuiteSummary> {
  const manifest = readManifest(folder);
  const resultsPath = join(folder, RESULTS_FILE);
  const records = existsSync(resultsPath) ? readResults(resultsPath) : [];
  const summary = summarize(manifest.suite, manifest.config, records);
  const own = SUITES[manifest.suite] === undefined ? undefined : (await loadSuite(manifest.suite)).summarize?.(manifest.config, records);
  const ownObject = own !== null && typeof own === 'object' ? (own as Partial<SuiteSummary>) : undefined;
  const document = ownObject !== undefined ? { ...ownObject, failed: summary.failed } : summary;
  writeAtomically(join(folder, 'summary.json'), `${JSON.stringify(document, null, 2)}\n`);
  return ownObject?.results !== undefined ? { ...summary, results: ownObject.results } : summary;
}

/**
 * Writes the report of the suite results in `dir`: `summary.json` per suite folder, `report.md` (tables,
 * plots linked), `report.html` (the same page with the plots inlined) and `plots/*.svg` — learning curves,
 * adaptation curves with confidence bands, the embedding projection and throughput bars, whichever the
 * results hold.
 */
export async function writeReport(dir: string): Promise<ReportFiles> {
  const sections: Section[] = [];
  const summaries: string[] = [];
  for (const folder of findSuiteFolders(dir)) {
    const summary = await writeSummary(folder);
    summaries.push(join(folder, 'summary.json'));
    const records = readResults(join(folder, RESULTS_FILE));
    sections.push(suiteSection(summary, records, JSON.stringify(readManifest(folder).config)));
  }
  const plotsDir = join(dir, 'plots');
  mkdirSync(plotsDir, { recursive: true });
  const plots: string[] = [];
  for (const s of sections) {
    for (const b of s.blocks) {
      if (b.kind !== 'plot') continue;
      const path = join(plotsDir, b.plot.file);
      writeAtomically(path, `${b.plot.svg}\n`);
      plots.push(path);
    }
  }
  const title = 'flash-gym benchmark report';
  const intro = [machineLine().replace(/; [^;]*$/, ''), `Generated ${new Date().toISOString()} from ${dir} by flash-gym report. Figures are means over runs with 95% confidence intervals (Student's t).`];
  const markdown = join(dir, 'report.md');
  const html = join(dir, 'report.html');
  writeAtomically(markdown, renderMarkdown(title, intro, sections));
  writeAtomically(html, renderHtml(title, intro, sections));
  return { markdown, html, plots, summaries };
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
