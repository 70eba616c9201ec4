import test from 'ava';
import { configAdaptationPreset, runConfigAdaptation } from '../meta/supervised/config-adaptation.js';

test('K-shot adaptation on held-out configuration-search jobs: MAML and FLASH beat scratch (seeded)', (t) => {
  const config = { ...configAdaptationPreset('quick'), trainJobs: 20, heldOutJobs: 4, shots: [3], pretrainSteps: 60, metaBatch: 4, mamlInnerSteps: 1, scratchSteps: 100 };
  const results = runConfigAdaptation(config, 0, ['maml', 'flash', 'scratch']);
  t.is(results.length, 4 * 3);
  const err = (m: string) => results.filter((r) => r.method === m).reduce((a, r) => a + r.rmseLogRuntime, 0) / 4;
  t.true(err('maml') < err('scratch'), `maml ${err('maml')} vs scratch ${err('scratch')}`);
  t.true(err('flash') < err('scratch'), `flash ${err('flash')} vs scratch ${err('scratch')}`);
  for (const r of results) t.true(Number.isFinite(r.mape) && r.mape >= 0);
  // Same seed, same numbers.
  t.deepEqual(runConfigAdaptation(config, 0, ['maml']), results.filter((r) => r.method === 'maml'));
  t.throws(() => runConfigAdaptation({ ...config, shots: [0] }, 0), { message: /shots must be integers in \[1, 71\]/ });
  t.throws(() => runConfigAdaptation(config, 0, ['nope' as 'tl']), { message: /unknown method nope/ });
});
