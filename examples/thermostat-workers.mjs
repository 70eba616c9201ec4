// Runs the custom env of thermostat-env.mjs in worker threads: each worker imports the module that registers it.
import { checkEnv, make, makeVec } from 'flash-gym';
import './thermostat-env.mjs';

checkEnv(make('Thermostat-v0', { target: 22 }));
const envs = await makeVec('Thermostat-v0', {
  numEnvs: 4,
  mode: 'worker',
  workers: 2,
  kwargs: { target: 22 },
  modules: [new URL('./thermostat-env.mjs', import.meta.url).href],
});
let { observations } = envs.reset({ seed: 0 });
for (let t = 0; t < 100; t++) {
  const actions = Int32Array.from({ length: envs.numEnvs }, (_, i) => (observations.get(i, 0) < 22 ? 2 : 0));
  ({ observations } = envs.step(actions));
}
console.log('temperatures after 100 steps:', Array.from({ length: envs.numEnvs }, (_, i) => observations.get(i, 0).toFixed(1)));
await envs.close();
