import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from './helpers/paths.js';

const run = promisify(execFile);
const root = projectRoot();
const readme = readFileSync(join(root, 'README.md'), 'utf8');

// README shows the scripts of examples/ verbatim: each code block that follows an
// `<!-- example: examples/NAME.mjs -->` marker must equal that file, and every such file must run as written
// (inside the project, `flash-gym` resolves to this package through its own `exports`).
const examples = [...readme.matchAll(/<!-- example: (examples\/[\w.-]+\.mjs) -->\s*```(?:js|ts)\n([\s\S]*?)```/g)].map((m) => ({ path: m[1], code: m[2] }));

test('the README shows runnable examples', (t) => {
  t.true(examples.length >= 2, `found ${examples.length} marked examples`);
});

for (const { path, code } of examples) {
  test(`README's ${path} is the file, and it runs as written`, async (t) => {
    const file = join(root, path);
    t.true(existsSync(file), `${path} exists`);
    t.is(code, readFileSync(file, 'utf8'), `README's copy of ${path} is up to date`);
    const { stderr } = await run(process.execPath, [file], { cwd: join(root, 'examples'), timeout: 300_000, env: { ...process.env, FLASH_GYM_BACKEND: 'cpu' } });
    t.notRegex(stderr, /Error|Warning/);
  });
}
