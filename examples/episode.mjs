import { make } from 'flash-gym';

const env = make('CartPole-v1');
let { observation } = env.reset({ seed: 42 });
let episodeReturn = 0;
for (;;) {
  const step = env.step(env.actionSpace.sample());
  episodeReturn += step.reward;
  observation = step.observation;
  if (step.terminated || step.truncated) break;
}
console.log(`return ${episodeReturn}, last observation ${Array.from(observation)}`);
env.close();
