import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where a {@link Logger} writes: SB3's `stdout` table, `csv` (progress.csv) and `json` (progress.json, one object a line). */
export type LogFormat = 'stdout' | 'csv' | 'json';

/** Options of a {@link Logger}. */
export interface LoggerOptions {
  /** Output formats (default: `stdout` when verbose, none otherwise). */
  readonly formats?: readonly LogFormat[];
  /** Folder of the csv/json files (required when one of them is asked for). */
  readonly folder?: string;
  /** Where the table goes (default `console.log`); tests pass their own. */
  readonly print?: (text: string) => void;
}

/**
 * Stable-Baselines3's logger: `record(key, value)` a scalar under SB3's keys (`rollout/ep_rew_mean`,
 * `time/fps`, `train/approx_kl`, …), then `dump(step)` writes every recorded value to each output and
 * clears them. `recordMean` averages values recorded within one dump (SB3's `record_mean`).
 */
export class Logger {
  private values = new Map<string, number | string>();
  private means = new Map<string, { sum: number; count: number }>();
  private readonly formats: readonly LogFormat[];
  private readonly folder: string | undefined;
  private readonly print: (text: string) => void;
  private csvKeys: string[] = [];
  /** Everything dumped so far (key → value), the last dump first; useful to tests and callbacks. */
  lastDump: Record<string, number | string> = {};

  constructor(options: LoggerOptions = {}) {
    this.formats = options.formats ?? [];
    this.folder = options.folder;
    this.print = options.print ?? ((text) => console.log(text));
    for (const f of this.formats) {
      if (f !== 'stdout' && f !== 'csv' && f !== 'json') throw new RangeError(`Logger: unknown format "${String(f)}"; allowed: stdout, csv, json`);
    }
    if ((this.formats.includes('csv') || this.formats.includes('json')) && this.folder === undefined) {
      throw new RangeError('Logger: csv and json outputs need a folder');
    }
    if (this.folder !== undefined) mkdirSync(this.folder, { recursive: true });
  }

  /** Records a value for the next dump (replacing one recorded under the same key). */
  record(key: string, value: number | string): void {
    this.values.set(key, value);
  }

  /** Records a value averaged with others recorded under the same key before the next dump. */
  recordMean(key: string, value: number): void {
    const m = this.means.get(key) ?? { sum: 0, count: 0 };
    m.sum += value;
    m.count += 1;
    this.means.set(key, m);
  }

  /** Writes the recorded values to every output, then clears them. */
  dump(step: number): void {
    const row: Record<string, number | string> = {};
    for (const [k, v] of this.values) row[k] = v;
    for (const [k, m] of this.means) row[k] = m.sum / m.count;
    this.values.clear();
    this.means.clear();
    if (Object.keys(row).length === 0) return;
    this.lastDump = row;
    for (const format of this.formats) {
      if (format === 'stdout') this.print(formatTable(row));
      else if (format === 'json') appendFileSync(join(this.folder as string, 'progress.json'), JSON.stringify({ ...row, step }) + '\n');
      else this.writeCsv(row);
    }
  }

  private writeCsv(row: Record<string, number | string>): void {
    const path = join(this.folder as string, 'progress.csv');
    const newKeys = Object.keys(row).filter((k) => !this.csvKeys.includes(k));
    if (newKeys.length > 0) {
      // Like SB3: a new key rewrites the file with the wider header, earlier rows padded with blanks.
      const old = existsSync(path) && this.csvKeys.length > 0 ? readFileSync(path, 'utf8').trimEnd().split('\n').slice(1) : [];
      this.csvKeys = [...this.csvKeys, ...newKeys].sort();
      const padded = old.map((line) => line + ','.repeat(newKeys.length));
      writeFileSync(path, [this.csvKeys.join(','), ...padded].join('\n') + '\n');
    }
    appendFileSync(path, this.csvKeys.map((k) => (row[k] === undefined ? '' : csvCell(row[k]))).join(',') + '\n');
  }
}

function csvCell(v: number | string): string {
  if (typeof v === 'number') return String(v);
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(3)).toString();
}

/** SB3's console table: keys grouped by their `section/` prefix, sorted. */
export function formatTable(row: Record<string, number | string>): string {
  const keys = Object.keys(row).sort();
  const lines: [string, string][] = [];
  let section = '';
  for (const key of keys) {
    const slash = key.indexOf('/');
    const head = slash >= 0 ? key.slice(0, slash) : '';
    if (head !== section && head !== '') {
      lines.push([`${head}/`, '']);
      section = head;
    }
    lines.push([slash >= 0 ? `    ${key.slice(slash + 1)}` : key, formatValue(row[key])]);
  }
  const kw = Math.max(...lines.map(([k]) => k.length));
  const vw = Math.max(...lines.map(([, v]) => v.length));
  const dashes = '-'.repeat(kw + vw + 7);
  return [dashes, ...lines.map(([k, v]) => `| ${k.padEnd(kw)} | ${v.padEnd(vw)} |`), dashes].join('\n');
}
