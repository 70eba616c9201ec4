import { readFileSync } from 'node:fs';
import { InvalidOptionError } from '../core/errors.js';
import { parseCsv } from './csv.js';
import { meanSuccessfulRuntime, validateReplayTask, type RecordedRun, type ReplayTask } from './tasks.js';

/** One measured run of the table. */
export interface IbmRun {
  /** 1-based line of the CSV it came from (the header is line 1). */
  readonly line: number;
  readonly provider: string;
  /** The provider's own parameters (label-encoded), e.g. `{ family: 1, vcpu: 0 }`. */
  readonly params: Readonly<Record<string, number>>;
  readonly nodes: number;
  readonly workload: string;
  readonly cost: number;
  readonly runtime: number;
  /** `ok`, or the error message of a failed run (e.g. `Timed out.`); runtime and cost are recorded anyway. */
  readonly status: string;
}

/** A configuration of the table's space: a provider, its parameter values and a node count. */
export interface IbmConfiguration {
  readonly name: string;
  readonly provider: string;
  readonly params: Readonly<Record<string, number>>;
  readonly nodes: number;
  /** Provider one-hot, each parameter column scaled by its largest value (0 for other providers), nodes scaled to [0, 1]. */
  readonly features: readonly number[];
}

/** A loaded table of IBM's multi-cloud configuration dataset format. */
export interface IbmTable {
  readonly runs: readonly IbmRun[];
  /**
   * The configuration space: per provider, every combination of the values its parameter columns take
   * in the table, × every node count (the dataset's 88). Some were never run (provider quotas).
   */
  readonly configurations: readonly IbmConfiguration[];
  readonly workloads: readonly string[];
  readonly featureNames: readonly string[];
  /** Index into `configurations` of a run's configuration. */
  configurationOf(run: IbmRun): number;
}

const REQUIRED = ['provider', 'nodes', 'workload', 'target_cost', 'target_runtime', 'status'];

/**
 * Parses a table in the column format of IBM's multi-cloud configuration dataset (CloudBandit, IEEE
 * CLOUD 2022): `provider`, the providers' parameter columns `<provider>_<name>` (label-encoded integers,
 * empty for other providers), `nodes`, `workload`, `target_cost`, `target_runtime`, `status`; an unnamed
 * index column is ignored. Malformed input raises an error naming the line and column.
 */
export function parseIbmMultiCloudCsv(text: string, source = 'IBM multi-cloud CSV'): IbmTable {
  const rows = parseCsv(text);
  if (rows.length < 2) throw new InvalidOptionError(`${source}: expected a header and at least one row`);
  const header = rows[0];
  for (const name of REQUIRED) {
    if (!header.includes(name)) throw new InvalidOptionError(`${source}: missing column "${name}"; the format needs ${REQUIRED.join(', ')} and <provider>_<parameter> columns`);
  }
  const col = (name: string): number => header.indexOf(name);
  const paramColumns = header.map((name, i) => ({ name, i, match: /^([A-Za-z0-9]+)_(\w+)$/.exec(name) })).filter((c) => c.match !== null && !REQUIRED.includes(c.name));
  const runs: IbmRun[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r];
    const line = r + 1;
    if (row.length === 1 && row[0] === '') continue;
    if (row.length !== header.length) throw new InvalidOptionError(`${source}: line ${line} has ${row.length} fields, the header ${header.length}`);
    const num = (name: string, integer: boolean): number => {
      const raw = row[col(name)];
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
        throw new InvalidOptionError(`${source}: line ${line}, column "${name}" = ${JSON.stringify(raw)}; expected a non-negative ${integer ? 'integer' : 'number'}`);
      }
      return value;
    };
    const provider = row[col('provider')];
    const params: Record<string, number> = {};
    for (const c of paramColumns) {
      const own = c.match?.[1] === provider;
      const raw = row[c.i];
      if (own) params[c.match?.[2] as string] = num(c.name, true);
      else if (raw !== '') throw new InvalidOptionError(`${source}: line ${line}, column "${c.name}" = ${JSON.stringify(raw)} is set for provider ${JSON.stringify(provider)}; expected empty`);
    }
    if (Object.keys(params).length === 0) throw new InvalidOptionError(`${source}: line ${line}, provider ${JSON.stringify(provider)} has no parameter columns (${provider}_…)`);
    const workload = row[col('workload')];
    if (workload === '') throw new InvalidOptionError(`${source}: line ${line}, column "workload" is empty`);
    runs.push({ line, provider, params, nodes: num('nodes', true), workload, cost: num('target_cost', false), runtime: num('target_runtime', false), status: row[col('status')] });
  }
  return buildTable(runs, paramColumns.map((c) => c.name));
}

/** Reads and parses a table file in IBM's multi-cloud format (the project does not ship the dataset). */
export function loadIbmMultiCloudCsv(path: string): IbmTable {
  return parseIbmMultiCloudCsv(readFileSync(path, 'utf8'), path);
}

function buildTable(runs: IbmRun[], paramColumns: string[]): IbmTable {
  const providers = [...new Set(runs.map((r) => r.provider))].sort();
  const nodeCounts = [...new Set(runs.map((r) => r.nodes))].sort((a, b) => a - b);
  const maxOf = new Map<string, number>();
  const valuesOf = new Map<string, Set<number>>();
  for (const run of runs) {
    for (const [name, value] of Object.entries(run.params)) {
      const key = `${run.provider}_${name}`;
      maxOf.set(key, Math.max(maxOf.get(key) ?? 0, value));
      if (!valuesOf.has(key)) valuesOf.set(key, new Set());
      valuesOf.get(key)?.add(value);
    }
  }
  const minNodes = nodeCounts[0];
  const nodeSpan = nodeCounts[nodeCounts.length - 1] - minNodes;
  const configurations: IbmConfiguration[] = [];
  for (const provider of providers) {
    const own = paramColumns.filter((c) => c.startsWith(`${provider}_`) && valuesOf.has(c));
    let combos: Record<string, number>[] = [{}];
    for (const c of own) {
      const name = c.slice(provider.length + 1);
      const values = [...(valuesOf.get(c) as Set<number>)].sort((a, b) => a - b);
      combos = combos.flatMap((combo) => values.map((v) => ({ ...combo, [name]: v })));
    }
    for (const params of combos) {
      for (const nodes of nodeCounts) {
        const features = [
          ...providers.map((p) => (p === provider ? 1 : 0)),
          ...paramColumns.map((c) => {
            if (!c.startsWith(`${provider}_`)) return 0;
            const max = maxOf.get(c) ?? 0;
            return max > 0 ? params[c.slice(provider.length + 1)] / max : 0;
          }),
          nodeSpan > 0 ? (nodes - minNodes) / nodeSpan : 0,
        ];
        const name = `${provider}[${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(',')}]×${nodes}`;
        configurations.push({ name, provider, params, nodes, features });
      }
    }
  }
  const index = new Map(configurations.map((c, i) => [c.name, i]));
  const keyOf = (run: IbmRun): string => `${run.provider}[${Object.entries(run.params).map(([k, v]) => `${k}=${v}`).join(',')}]×${run.nodes}`;
  return {
    runs,
    configurations,
    workloads: [...new Set(runs.map((r) => r.workload))].sort(),
    featureNames: [...providers.map((p) => `provider${p}`), ...paramColumns, 'nodes'],
    configurationOf: (run) => index.get(keyOf(run)) as number,
  };
}

/** Options of {@link ibmReplayTasks}. */
export interface IbmReplayOptions {
  /**
   * Deadline as a multiple of the workload's fastest configuration (mean of its successful runs);
   * null (default) minimizes cost alone, as CloudBandit does.
   */
  deadlineFactor?: number | null;
  /**
   * `infeasible` (default): a failed or timed-out run never qualifies, and workloads whose runs all failed
   * (in IBM's table, the two spectral_clustering ones) are left out, having no solution; `qualify`: failed
   * runs count at their measured runtime and cost (the dataset recorded them), so every workload is kept.
   */
  failedRuns?: 'infeasible' | 'qualify';
}

/**
 * One replay task per workload: every configuration of the table's space with the runs recorded for it,
 * failed and timed-out ones included, as the dataset records them (runtime and cost were measured
 * anyway; they never qualify as a solution). Configurations never run have no runs and cannot be tried.
 */
export function ibmReplayTasks(table: IbmTable, options: IbmReplayOptions = {}): ReplayTask[] {
  const factor = options.deadlineFactor ?? null;
  const failedRuns = options.failedRuns ?? 'infeasible';
  if (failedRuns !== 'infeasible' && failedRuns !== 'qualify') throw new InvalidOptionError(`ibmReplayTasks: failedRuns must be "infeasible" or "qualify", got ${String(failedRuns)}`);
  const qualify = failedRuns === 'qualify';
  if (factor !== null && !(factor >= 1 && Number.isFinite(factor))) throw new InvalidOptionError(`ibmReplayTasks: deadlineFactor must be null or a number ≥ 1, got ${factor}`);
  const tasks: ReplayTask[] = [];
  for (const workload of table.workloads) {
    const runs: RecordedRun[][] = table.configurations.map(() => []);
    for (const run of table.runs) {
      if (run.workload === workload) runs[table.configurationOf(run)].push({ runtime: run.runtime, cost: run.cost, status: run.status });
    }
    const fastest = Math.min(...runs.map((r) => meanSuccessfulRuntime(r, qualify) ?? Infinity));
    if (fastest === Infinity) continue;
    tasks.push(
      validateReplayTask({
        id: `ibm-${workload}`,
        kind: 'replay',
        configurations: table.configurations.map((c) => ({ name: c.name, features: c.features })),
        runs,
        deadline: factor === null ? null : fastest * factor,
        failedRunsQualify: qualify,
      }),
    );
  }
  return tasks;
}
