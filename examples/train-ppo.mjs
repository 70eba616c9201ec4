import { PPO, evaluatePolicy, make } from 'flash-gym';

const env = make('CartPole-v1');
const agent = new PPO(env, { seed: 0 }); // Stable-Baselines3's defaults: nSteps 2048, batchSize 64, 10 epochs, ...
await agent.learn({ totalTimesteps: 20_000 });
await agent.save('runs/ppo-cartpole');

const loaded = await PPO.load('runs/ppo-cartpole');
const { meanReward, stdReward } = evaluatePolicy(loaded, make('CartPole-v1'), { nEvalEpisodes: 10, seed: 1 });
console.log(`PPO on CartPole-v1 after 20k steps: ${meanReward.toFixed(1)} ± ${stdReward.toFixed(1)}`);
