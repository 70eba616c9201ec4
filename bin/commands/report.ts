import { Command } from 'commander';
import { writeReport } from '../../benchmarks/report/write-report.js';

/** `flash-gym report`: summary.json, report.md, report.html and SVG plots from a folder of suite results. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write report.md, report.html and plots/*.svg (and summary.json per suite) from suite results')
    .argument('<results-dir>', 'a folder written by flash-gym bench --out, or a folder of such folders')
    .action(async (dir: string) => {
      const files = await writeReport(dir);
      console.log(`flash-gym: wrote ${files.markdown}, ${files.html}, ${files.plots.length} plot${files.plots.length === 1 ? '' : 's'} and ${files.summaries.join(', ')}`);
    });
}
