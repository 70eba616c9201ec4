import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { RunRecord } from './types.js';

/**
 * A suite's results: one JSON record per line, appended as runs finish. Each record is written with a single
 * `write` on a file opened for appending and then flushed to disk (`fsync`), so a line is either whole or, if
 * the process is killed in the middle of it, a torn last line. Opening the file repairs that: a torn last
 * line is cut off (the run it belonged to counts as not finished and runs again), so nothing is lost and
 * nothing is recorded twice.
 */
export class ResultsFile {
  private readonly fd: number;
  private readonly byKey = new Map<string, RunRecord>();

  private constructor(
    readonly path: string,
    records: readonly RunRecord[],
    fd: number,
  ) {
    this.fd = fd;
    for (const record of records) this.byKey.set(record.key, record);
  }

  /** Opens (creating if needed) the file, reads its records and repairs a torn last line. */
  static open(path: string): ResultsFile {
    const records: RunRecord[] = [];
    let keep = 0;
    if (existsSync(path)) {
      const text = readFileSync(path, 'utf8');
      let start = 0;
      let lineNo = 0;
      while (start < text.length) {
        const end = text.indexOf('\n', start);
        lineNo += 1;
        if (end < 0) break; // a torn last line: no newline yet
        const line = text.slice(start, end);
        if (line.trim() !== '') records.push(parseRecord(line, path, lineNo));
        start = end + 1;
        keep = Buffer.byteLength(text.slice(0, start));
      }
    }
    const fd = openSync(path, existsSync(path) ? 'r+' : 'w+');
    // Cut a torn last line so that the next append starts on a fresh line.
    ftruncateSync(fd, keep);
    closeSync(fd);
    return new ResultsFile(path, records, openSync(path, 'a'));
  }

  /** The latest record of every run in the file (a re-run failed run supersedes its failure). */
  records(): RunRecord[] {
    return [...this.byKey.values()];
  }

  /** The latest record of a run, if any. */
  get(key: string): RunRecord | undefined {
    return this.byKey.get(key);
  }

  /** Appends one record as one line and flushes it to disk before returning. */
  append(record: RunRecord): void {
    const line = Buffer.from(`${JSON.stringify(record)}\n`);
    let written = 0;
    while (written < line.length) written += writeSync(this.fd, line, written, line.length - written);
    fsyncSync(this.fd);
    this.byKey.set(record.key, record);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Reads every record of a results file (torn last line ignored), without opening it for writing. */
export function readResults(path: string): RunRecord[] {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // The part after the last newline is either empty or a torn line.
  lines.pop();
  const byKey = new Map<string, RunRecord>();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const record = parseRecord(line, path, i + 1);
    byKey.set(record.key, record);
  });
  return [...byKey.values()];
}

function parseRecord(line: string, path: string, lineNo: number): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new Error(`${path}:${lineNo}: not a JSON record (${(error as Error).message}); the file is damaged, move it away to start the suite afresh`);
  }
  const record = value as Partial<RunRecord>;
  if (typeof record !== 'object' || record === null || typeof record.key !== 'string' || (record.status !== 'ok' && record.status !== 'failed') || typeof record.run !== 'object') {
    throw new Error(`${path}:${lineNo}: not a run record (needs key, status ok|failed, run); the file is damaged, move it away to start the suite afresh`);
  }
  return record as RunRecord;
}
