import type { Headline } from './types.js';

/** Formats seconds as `1h02m`, `3m05s` or `42s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/** Three significant digits, with thousands separators for large numbers. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/**
 * The suite's progress: runs done of the total, failures, the ETA (from the mean wall time of the runs
 * finished in this session and the number of workers), and per group the best headline number so far (or the running mean, for suites that ask for it).
 */
export class SuiteProgress {
  private done: number;
  private failed = 0;
  private doneThisSession = 0;
  private readonly best = new Map<string, Headline>();
  private readonly sums = new Map<string, { headline: Headline; sum: number; count: number }>();
  private readonly started = performance.now();
  private lastDraw = 0;

  constructor(
    readonly total: number,
    alreadyDone: number,
    private readonly write: ((text: string) => void) | undefined,
    private readonly interactive: boolean,
  ) {
    this.done = alreadyDone;
  }

  /** Counts a finished run and keeps its headline if it is the best of its group. */
  finished(ok: boolean, headline: Headline | undefined): void {
    this.done += 1;
    this.doneThisSession += 1;
    if (!ok) this.failed += 1;
    if (headline !== undefined && Number.isFinite(headline.value) && headline.aggregate === 'mean') {
      const entry = this.sums.get(headline.group) ?? { headline, sum: 0, count: 0 };
      entry.sum += headline.value;
      entry.count += 1;
      this.sums.set(headline.group, entry);
    } else if (headline !== undefined && Number.isFinite(headline.value)) {
      const old = this.best.get(headline.group);
      const better = old === undefined || (headline.higherIsBetter ? headline.value > old.value : headline.value < old.value);
      if (better) this.best.set(headline.group, headline);
    }
    this.draw(this.done === this.total);
  }

  /** Seconds until the remaining runs are done, at this session's pace. */
  eta(): number {
    if (this.doneThisSession === 0) return NaN;
    const elapsed = (performance.now() - this.started) / 1000;
    return (elapsed / this.doneThisSession) * (this.total - this.done);
  }

  /** The current line, e.g. `[#####.....] 12/40 runs, 1 failed, ETA 3m05s | best: CartPole-v1 ppo 312`. */
  line(): string {
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((this.done / this.total) * width);
    const show = (h: Headline, value: number): string => `${h.group} ${formatNumber(value)}${h.unit ? ` ${h.unit}` : ''}`;
    const bestText = [...this.best.values()].slice(0, 5).map((h) => show(h, h.value)).join('; ');
    const meanText = [...this.sums.values()].slice(0, 5).map((m) => show(m.headline, m.sum / m.count)).join('; ');
    const failed = this.failed > 0 ? `, ${this.failed} failed` : '';
    const eta = this.done < this.total ? `, ETA ${formatDuration(this.eta())}` : `, ${formatDuration((performance.now() - this.started) / 1000)}`;
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${this.done}/${this.total} runs${failed}${eta}${bestText ? ` | best: ${bestText}` : ''}${meanText ? ` | mean: ${meanText}` : ''}`;
  }

  /** Redraws in place on a terminal (at most every 100 ms), or prints a line per run otherwise. */
  draw(force = false): void {
    if (this.write === undefined) return;
    if (!this.interactive) {
      this.write(`${this.line()}\n`);
      return;
    }
    const now = performance.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.write(`\r\x1b[2K${this.line()}`);
    if (force && this.done === this.total) this.write('\n');
  }
}
