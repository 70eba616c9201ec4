import test from 'ava';
import { checkEnv, listEnvs, make } from '../index.js';

// Every env registered by flash-gym (now or later) must pass the env checker through make().
const ids = listEnvs();

test('the built-in envs are registered', (t) => {
  t.true(ids.length > 0, 'importing the package registers its envs');
});

for (const id of ids) {
  test(`checkEnv passes on ${id}`, (t) => {
    const findings = checkEnv(make(id));
    t.deepEqual(findings.filter((f) => f.level === 'error'), []);
  });
}
