import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './helpers/paths.js';

const run = promisify(execFile);
const root = projectRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

// Every ```ts block of the README that imports flash-gym is a script that must run as written. The snippets
// are plain JavaScript (no type annotations), so they run as .mjs; inside the project, `flash-gym` resolves to
// this package through its own `exports`.
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes("from 'flash-gym'"));

test('the README has runnable examples', (t) => {
  t.true(snippets.length >= 1);
});

snippets.forEach((code, i) => {
  const firstLine = code.split('\n').find((line) => line.trim() && !line.startsWith('import')) ?? '';
  test(`README example ${i + 1} runs as written: ${firstLine.trim().slice(0, 60)}`, async (t) => {
    const dir = join(root, 'dist', 'readme-snippets');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `example-${i + 1}.mjs`);
    writeFileSync(file, code);
    const { stderr } = await run(process.execPath, [file], { cwd: root, timeout: 240_000, env: { ...process.env, FLASH_GYM_BACKEND: 'cpu' } });
    t.notRegex(stderr, /Error/);
  });
});
