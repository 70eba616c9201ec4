import test from 'ava';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChart, ci95, lineChart, meanCurve, scatterChart, summarize, writeReport } from '../benchmarks/report/index.js';
import { makeRun, type Json, type RunRecord } from '../benchmarks/runner/index.js';

/**
 * A strict XML well-formedness check (no XML parser is among the dependencies): every tag closes in order,
 * attributes are quoted and unique, text has only the five predefined entities or numeric ones. Returns
 * the root element's name and the number of elements.
 */
function parseXml(text: string): { root: string; elements: number; names: string[] } {
  const stack: string[] = [];
  const names: string[] = [];
  let root = '';
  let i = 0;
  const checkText = (chunk: string): void => {
    const bad = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)|</.exec(chunk);
    if (bad) throw new Error(`bad character data near ${JSON.stringify(chunk.slice(Math.max(0, bad.index - 20), bad.index + 20))}`);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      checkText(text.slice(i));
      break;
    }
    checkText(text.slice(i, lt));
    if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt) + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      i = text.indexOf('?>', lt) + 2;
      continue;
    }
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = text.slice(lt + 1, gt);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw new Error(`closing </${name}> does not match`);
    } else {
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const match = /^([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*="[^"<]*")*)\s*$/.exec(body);
      if (match === null) throw new Error(`malformed tag <${tag.slice(0, 60)}>`);
      const attributes = [...match[2].matchAll(/([A-Za-z_][\w:.-]*)="([^"]*)"/g)];
      const seen = new Set<string>();
      for (const [, attr, value] of attributes) {
        if (seen.has(attr)) throw new Error(`duplicate attribute ${attr}`);
        seen.add(attr);
        checkText(value);
      }
      if (stack.length === 0) {
        if (root !== '') throw new Error('more than one root element');
        root = match[1];
      }
      names.push(match[1]);
      if (!selfClosing) stack.push(match[1]);
    }
    i = gt + 1;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return { root, elements: names.length, names };
}

test('the XML check itself rejects malformed documents', (t) => {
  t.is(parseXml('<svg a="1"><g><rect/></g></svg>').root, 'svg');
  t.throws(() => parseXml('<svg><g></svg>'));
  t.throws(() => parseXml('<svg a=1></svg>'));
  t.throws(() => parseXml('<svg>a & b</svg>'));
  t.throws(() => parseXml('<svg a="1" a="2"></svg>'));
});

test('ci95 and meanCurve match hand computation', (t) => {
  // [1, 2, 3]: mean 2, sample std 1, t(0.975, 2) = 4.303 → 4.303 / √3.
  t.true(Math.abs(ci95([1, 2, 3]) - 4.303 / Math.sqrt(3)) < 1e-12);
  t.is(ci95([5]), 0);
  const band = meanCurve([
    [[0, 1], [10, 3]],
    [[0, 3], [10, 5], [20, 9]],
  ]);
  // x = 20 is not shared by both runs, so it is left out; at x = 0: mean 2, half-width 12.706 · √2 / √2.
  t.deepEqual(band.map((p) => p.x), [0, 10]);
  t.is(band[0].mean, 2);
  t.true(Math.abs(band[0].upper - (2 + 12.706)) < 1e-9);
});

test('charts are well-formed SVG with one mark per data point and escaped labels', (t) => {
  const line = lineChart({
    title: 'curves <A & B>',
    xLabel: 'steps',
    yLabel: 'return',
    series: [
      { name: 'ppo', points: meanCurve([[[0, 10], [100, 50], [200, 90]], [[0, 20], [100, 60], [200, 80]]]) },
      { name: 'dqn', points: meanCurve([[[0, 5], [200, 40]]]) },
    ],
  });
  const parsedLine = parseXml(line);
  t.is(parsedLine.root, 'svg');
  t.is(parsedLine.names.filter((n) => n === 'circle').length, 5);
  t.is(parsedLine.names.filter((n) => n === 'polygon').length, 2);
  t.true(line.includes('curves &lt;A &amp; B&gt;'));
  t.true(line.includes('mean 15.00 (95% CI'));
  const bars = barChart({ title: 'throughput', yLabel: 'steps/s', categories: ['CartPole-v1', 'Pendulum-v1'], groups: [{ name: 'bare', values: [2e6, 5e5], errors: [1e5, null] }, { name: 'make', values: [1e6, null] }], logScale: true });
  const parsedBars = parseXml(bars);
  t.is(parsedBars.names.filter((n) => n === 'rect').length, 1 + 3 + 2); // background, 3 bars, 2 legend swatches
  t.regex(bars, /CartPole-v1 bare: 2M/);
  const scatter = scatterChart({ title: 'embeddings', xLabel: 'c1', yLabel: 'c2', points: [{ x: 0, y: 1, label: 'app-1', group: 'cpu' }, { x: 1, y: 0, label: 'app-2', group: 'io', hollow: true }] });
  t.is(parseXml(scatter).names.filter((n) => n === 'circle').length, 2);
});

function okRecord(env: string, method: string, seed: number, metrics: { [key: string]: Json }, timing: { [key: string]: number } = {}): RunRecord {
  const run = makeRun({ env, method, task: 'default', seed, params: {} });
  return { key: run.key, status: 'ok', run, metrics, timing, wallSeconds: 1, finishedAt: '2026-01-01T00:00:00Z' };
}

function writeSuite(dir: string, suite: string, records: readonly RunRecord[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'suite.json'), JSON.stringify({ suite, config: { size: 'quick' }, configHash: 'x', runs: records.length, createdAt: 'now' }));
  writeFileSync(join(dir, 'results.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

test('a report of learning, throughput and adaptation-like results: summary numbers, plots, Markdown and HTML', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flash-gym-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeSuite(join(dir, 'learning'), 'learning', [
    okRecord('CartPole-v1', 'ppo', 0, { curve: [[0, 20], [1000, 100]], finalMeanReward: 100, bestMeanReward: 100 }, { fps: 1000, seconds: 1 }),
    okRecord('CartPole-v1', 'ppo', 1, { curve: [[0, 30], [1000, 200]], finalMeanReward: 200, bestMeanReward: 200 }, { fps: 3000, seconds: 1 }),
    { ...okRecord('CartPole-v1', 'dqn', 0, {}), status: 'failed', error: 'RangeError: boom' } as RunRecord,
  ]);
  writeSuite(join(dir, 'throughput'), 'throughput', [
    okRecord('CartPole-v1', 'bare', 0, { mode: 'bare' }, { stepsPerSecond: 2_000_000 }),
    okRecord('CartPole-v1', 'make', 0, { mode: 'make' }, { stepsPerSecond: 1_000_000 }),
  ]);
  writeSuite(join(dir, 'custom'), 'custom', [
    okRecord('Autoscaling-v0', 'flash', 0, { curve: [[1, -5], [2, -3]], episodesToAdapt: 2, embedding: [{ x: 0.1, y: 0.2, label: 'app-1', group: 'cpu', heldOut: true }, { x: 0.3, y: -0.1, label: 'app-2', group: 'memory' }] }),
  ]);
  const files = await writeReport(dir);
  t.is(files.summaries.length, 3);
  const learning = JSON.parse(readFileSync(join(dir, 'learning', 'summary.json'), 'utf8')) as ReturnType<typeof summarize>;
  // Two seeds, 100 and 200: mean 150, half-width 12.706 · 70.71 / √2 = 635.3.
  t.is(learning.results['CartPole-v1'].ppo.finalMeanReward.mean, 150);
  t.true(Math.abs(learning.results['CartPole-v1'].ppo.finalMeanReward.ci95 - 635.3) < 0.1);
  t.is(learning.results['CartPole-v1'].ppo['time/fps'].mean, 2000);
  t.deepEqual(learning.failed, [{ key: 'CartPole-v1|dqn|default|s0|44136fa3', error: 'RangeError: boom' }]);
  const markdown = readFileSync(files.markdown, 'utf8');
  t.regex(markdown, /\| CartPole-v1 \| ppo \| 150 ± 635 \| 150 ± 635 \| 2,000 ± 12,706 \| 1 \| 2 \|/);
  t.regex(markdown, /\| CartPole-v1 \| 2,000,000 \| 1,000,000 \| 2\.00× \|/);
  t.regex(markdown, /RangeError: boom/);
  t.deepEqual(files.plots.map((p) => p.slice(dir.length + 1)).sort(), ['plots/custom-autoscaling-v0-curve.svg', 'plots/custom-embedding.svg', 'plots/learning-cartpole-v1-curve.svg', 'plots/throughput.svg']);
  for (const plot of files.plots) {
    t.true(markdown.includes(`](${plot.slice(dir.length + 1)})`), plot);
    const svg = parseXml(readFileSync(plot, 'utf8'));
    t.is(svg.root, 'svg', plot);
  }
  const curve = readFileSync(join(dir, 'plots', 'learning-cartpole-v1-curve.svg'), 'utf8');
  t.regex(curve, /ppo \(n=2\): x=1000, mean 150\.0 \(95% CI/);
  const html = readFileSync(files.html, 'utf8');
  t.true(html.startsWith('<!DOCTYPE html>'));
  // The HTML page is itself well-formed (the SVGs are inlined), with every plot in it.
  const page = parseXml(html.replace('<!DOCTYPE html>', '').replace('<meta charset="utf-8">', '<meta charset="utf-8"/>'));
  t.is(page.root, 'html');
  t.is(page.names.filter((n) => n === 'svg').length, 4);
});
