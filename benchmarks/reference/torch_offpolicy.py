#!/usr/bin/env python3
"""Bare PyTorch TD3/DDPG on a numpy Pendulum-v1: a speed reference for flash-gym's off-policy agents.

This is the arithmetic Stable-Baselines3 runs for TD3/DDPG with the rl-zoo's Pendulum-v1 hyperparameters
(gamma 0.98, buffer 200000, learning_starts 10000, N(0, 0.1) action noise, Adam lr 1e-3, tau 0.005,
batch 256, one gradient step per env step, [400, 300] ReLU nets), without SB3's Python layers (callbacks,
loggers, vec-env wrappers, spaces checks). Its cost is therefore a lower bound on SB3's on this machine.
`benchmarks/torch-reference.ts` runs it side by side with flash-gym; it is never part of `npm test`.

Needs numpy and torch only (`/usr/bin/python3` with Debian's python3-torch).

    torch_offpolicy.py learn --algo td3 --threads 2 --seed 0 --steps 20000
        -> {"steps": ..., "seconds": ..., "stepsPerSecond": ..., "evalReturn": ...}
    torch_offpolicy.py serve --algo td3 --threads 2
        reads a line N from stdin, runs N gradient steps, answers {"ms": <mean ms per step>}; exits on EOF
    torch_offpolicy.py check-env --reference /work/shared/reference/gymnasium-classic.json
        replays Gymnasium's recorded Pendulum-v1 episodes through the numpy Pendulum and prints the worst errors
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# ---------------------------------------------------------------------------------------------------------
# Pendulum-v1 (Gymnasium 1.x dynamics)
# ---------------------------------------------------------------------------------------------------------

MAX_SPEED = 8.0
MAX_TORQUE = 2.0
DT = 0.05
G = 10.0
MASS = 1.0
LENGTH = 1.0
MAX_EPISODE_STEPS = 200  # the registry's TimeLimit
GRAVITY_GAIN = 3 * G / (2 * LENGTH)
TORQUE_GAIN_F32 = float(np.float32(3.0 / (MASS * LENGTH * LENGTH)))
TORQUE_COST_F32 = float(np.float32(0.001))
_F32 = struct.Struct("f")


def f32(x: float) -> float:
    """x rounded to float32 (struct is cheaper than a numpy scalar round trip)."""
    return _F32.unpack(_F32.pack(x))[0]


def angle_normalize(x: float) -> float:
    """Angle wrapped into [-pi, pi) as Gymnasium does (Python's % is floor-style, like numpy's)."""
    return ((x + math.pi) % (2 * math.pi)) - math.pi


class Pendulum:
    """Pendulum-v1 with its 200-step truncation; plain Python floats in the step (numpy scalars are slower)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.theta = 0.0
        self.theta_dot = 0.0
        self.t = 0

    def reset(self) -> np.ndarray:
        # One draw of two uniforms, theta first, as Gymnasium's np_random.uniform(low=-high, high=high).
        theta, theta_dot = self.rng.uniform(low=(-math.pi, -1.0), high=(math.pi, 1.0))
        return self.set_state(float(theta), float(theta_dot))

    def set_state(self, theta: float, theta_dot: float) -> np.ndarray:
        self.theta, self.theta_dot, self.t = theta, theta_dot, 0
        return self.observe()

    def step(self, torque: float) -> tuple[np.ndarray, float, bool, bool]:
        """Returns (obs, reward, terminated, truncated); the torque is read as float32 and clipped to ±2."""
        th, th_dot = self.theta, self.theta_dot
        u = min(max(f32(torque), -MAX_TORQUE), MAX_TORQUE)
        # Gymnasium (numpy 2) evaluates `0.001 * u**2` and `3.0 / (m l^2) * u` in float32, u being a float32
        # scalar; rounding the same way keeps the trajectories on Gymnasium's recorded ones.
        torque_cost = f32(TORQUE_COST_F32 * f32(u * u))
        costs = angle_normalize(th) ** 2 + 0.1 * (th_dot * th_dot) + torque_cost
        new_th_dot = th_dot + (GRAVITY_GAIN * math.sin(th) + f32(TORQUE_GAIN_F32 * u)) * DT
        new_th_dot = min(max(new_th_dot, -MAX_SPEED), MAX_SPEED)
        self.theta = th + new_th_dot * DT
        self.theta_dot = new_th_dot
        self.t += 1
        # Pendulum never terminates; only the time limit ends an episode.
        return self.observe(), -costs, False, self.t >= MAX_EPISODE_STEPS

    def observe(self) -> np.ndarray:
        return np.array((math.cos(self.theta), math.sin(self.theta), self.theta_dot), dtype=np.float32)


OBS_DIM = 3
ACT_DIM = 1
ACTION_SCALE = MAX_TORQUE  # the policy acts in [-1, 1]; the env gets 2 * action (SB3's unscale_action)

# ---------------------------------------------------------------------------------------------------------
# Replay buffer
# ---------------------------------------------------------------------------------------------------------


class ReplayBuffer:
    """Preallocated float32 arrays; `done` stores `terminated` only, so targets bootstrap through truncation
    (SB3's handle_timeout_termination) and `next_obs` is the episode's last observation, not the reset one."""

    def __init__(self, capacity: int, rng: np.random.Generator) -> None:
        self.capacity = capacity
        self.rng = rng
        self.obs = np.zeros((capacity, OBS_DIM), dtype=np.float32)
        self.next_obs = np.zeros((capacity, OBS_DIM), dtype=np.float32)
        self.actions = np.zeros((capacity, ACT_DIM), dtype=np.float32)
        self.rewards = np.zeros((capacity, 1), dtype=np.float32)
        self.dones = np.zeros((capacity, 1), dtype=np.float32)
        self.pos = 0
        self.full = False

    def add(self, obs: np.ndarray, next_obs: np.ndarray, action: np.ndarray, reward: float, terminated: bool) -> None:
        p = self.pos
        self.obs[p] = obs
        self.next_obs[p] = next_obs
        self.actions[p] = action
        self.rewards[p, 0] = reward
        self.dones[p, 0] = float(terminated)
        self.pos = (p + 1) % self.capacity
        self.full = self.full or self.pos == 0

    def sample(self, batch: int) -> tuple[torch.Tensor, ...]:
        # Uniform with replacement over the filled part, as SB3's ReplayBuffer.sample.
        upper = self.capacity if self.full else self.pos
        idx = self.rng.integers(0, upper, size=batch)
        return tuple(torch.from_numpy(a[idx]) for a in (self.obs, self.actions, self.next_obs, self.rewards, self.dones))


# ---------------------------------------------------------------------------------------------------------
# TD3 / DDPG
# ---------------------------------------------------------------------------------------------------------


def mlp(n_in: int, n_out: int, arch: list[int], squash: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for width in arch:
        layers += [nn.Linear(n_in, width), nn.ReLU()]
        n_in = width
    layers.append(nn.Linear(n_in, n_out))
    if squash:
        layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def clone(net: nn.Module) -> nn.Module:
    """A target network: a copy of the weights, never trained by gradients (only Polyak-averaged)."""
    target = copy.deepcopy(net)
    target.requires_grad_(False)
    return target


class Agent:
    """TD3 (two critics, policy delay 2, target smoothing 0.2 clipped at 0.5) or DDPG (one critic, no delay,
    no target noise), with SB3's update order and zoo hyperparameters."""

    def __init__(self, algo: str, arch: list[int] | None = None, gamma: float = 0.98, tau: float = 0.005, lr: float = 1e-3, batch: int = 256) -> None:
        arch = arch or [400, 300]
        self.td3 = algo == "td3"
        self.gamma, self.tau, self.batch = gamma, tau, batch
        self.policy_delay = 2 if self.td3 else 1
        self.target_noise, self.noise_clip = (0.2, 0.5) if self.td3 else (0.0, 0.0)
        self.actor = mlp(OBS_DIM, ACT_DIM, arch, squash=True)
        self.critics = nn.ModuleList(mlp(OBS_DIM + ACT_DIM, 1, arch, squash=False) for _ in range(2 if self.td3 else 1))
        self.actor_target = clone(self.actor)
        self.critics_target = clone(self.critics)
        # SB3: one Adam over all critics, one over the actor, default betas/eps.
        self.actor_opt = torch.optim.Adam(self.actor.parameters(), lr=lr)
        self.critic_opt = torch.optim.Adam(self.critics.parameters(), lr=lr)
        self.pairs = [
            (list(self.critics.parameters()), list(self.critics_target.parameters())),
            (list(self.actor.parameters()), list(self.actor_target.parameters())),
        ]
        self.n_updates = 0

    def act(self, obs: np.ndarray) -> np.ndarray:
        """The deterministic action in [-1, 1] (no noise)."""
        with torch.no_grad():
            return self.actor(torch.from_numpy(obs).unsqueeze(0))[0].numpy()

    def train(self, buffer: ReplayBuffer, steps: int) -> None:
        for _ in range(steps):
            self.n_updates += 1
            obs, actions, next_obs, rewards, dones = buffer.sample(self.batch)
            with torch.no_grad():
                next_actions = self.actor_target(next_obs)
                if self.td3:
                    noise = torch.randn_like(actions).mul_(self.target_noise).clamp_(-self.noise_clip, self.noise_clip)
                    next_actions = (next_actions + noise).clamp(-1.0, 1.0)
                next_sa = torch.cat([next_obs, next_actions], dim=1)
                next_q = self.critics_target[0](next_sa)
                if self.td3:
                    next_q = torch.min(next_q, self.critics_target[1](next_sa))
                target_q = rewards + (1.0 - dones) * self.gamma * next_q
            sa = torch.cat([obs, actions], dim=1)
            critic_loss = sum(F.mse_loss(critic(sa), target_q) for critic in self.critics)
            self.critic_opt.zero_grad()
            critic_loss.backward()
            self.critic_opt.step()

            if self.n_updates % self.policy_delay == 0:
                # Only the first critic scores the actor (SB3's q1_forward). Its gradients also land on that
                # critic's parameters; the next critic zero_grad clears them, as in SB3.
                actor_loss = -self.critics[0](torch.cat([obs, self.actor(obs)], dim=1)).mean()
                self.actor_opt.zero_grad()
                actor_loss.backward()
                self.actor_opt.step()
                # Polyak averaging, critics then actor. SB3 loops over parameters in Python; the foreach
                # calls do the same arithmetic with less interpreter overhead (this is a lower bound).
                with torch.no_grad():
                    for params, targets in self.pairs:
                        torch._foreach_mul_(targets, 1.0 - self.tau)
                        torch._foreach_add_(targets, params, alpha=self.tau)


# ---------------------------------------------------------------------------------------------------------
# Modes
# ---------------------------------------------------------------------------------------------------------


def evaluate(agent: Agent, rng: np.random.Generator, episodes: int = 10) -> float:
    """Mean return of deterministic episodes on a fresh env."""
    env = Pendulum(rng)
    total = 0.0
    for _ in range(episodes):
        obs, done = env.reset(), False
        while not done:
            obs, reward, terminated, truncated = env.step(ACTION_SCALE * float(agent.act(obs)[0]))
            total += reward
            done = terminated or truncated
    return total / episodes


def start_run(args: argparse.Namespace) -> tuple[np.random.Generator, Agent, ReplayBuffer, Pendulum, np.ndarray]:
    """The seeded pieces of a run: its RNG (actions, noise, replay sampling), the agent, the replay buffer, the env and its first observation."""
    rng = np.random.default_rng(args.seed)
    agent = Agent(args.algo)
    buffer = ReplayBuffer(200_000, rng)
    env = Pendulum(np.random.default_rng(args.seed))
    return rng, agent, buffer, env, env.reset()


def env_step(env: Pendulum, buffer: ReplayBuffer, obs: np.ndarray, action: np.ndarray) -> np.ndarray:
    """Steps the env with a scaled action and stores the transition; returns the next observation (a reset one after an episode's end)."""
    next_obs, reward, terminated, truncated = env.step(ACTION_SCALE * float(action[0]))
    buffer.add(obs, next_obs, action, reward, terminated)
    return env.reset() if terminated or truncated else next_obs


def learn(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    rng, agent, buffer, env, obs = start_run(args)
    for t in range(args.steps):
        if t < args.learning_starts:
            action = rng.uniform(-1.0, 1.0, size=ACT_DIM).astype(np.float32)
        else:
            # N(0, 0.1) on the scaled action, then clip to the action box (SB3's NormalActionNoise).
            action = np.clip(agent.act(obs) + rng.normal(0.0, 0.1, size=ACT_DIM), -1.0, 1.0).astype(np.float32)
        obs = env_step(env, buffer, obs, action)
        # SB3 trains once num_timesteps > learning_starts (num_timesteps counts the step just taken).
        if t + 1 > args.learning_starts:
            agent.train(buffer, 1)
    seconds = time.perf_counter() - start
    eval_return = evaluate(agent, np.random.default_rng(10_000 + args.seed))
    print(json.dumps({"steps": args.steps, "seconds": seconds, "stepsPerSecond": args.steps / seconds, "evalReturn": eval_return}), flush=True)


def serve(args: argparse.Namespace) -> None:
    rng, agent, buffer, env, obs = start_run(args)
    for _ in range(10_000):
        obs = env_step(env, buffer, obs, rng.uniform(-1.0, 1.0, size=ACT_DIM).astype(np.float32))
    # readline, not `for line in sys.stdin`: answer each request as soon as its line arrives.
    while True:
        line = sys.stdin.readline()
        if line == "":
            return
        if line.strip() == "":
            continue
        n = int(line)
        if n <= 0:
            raise SystemExit(f"serve: expected a positive number of gradient steps, got {line.strip()!r}")
        start = time.perf_counter()
        agent.train(buffer, n)
        ms = (time.perf_counter() - start) * 1000 / n
        sys.stdout.write(json.dumps({"ms": ms}) + "\n")
        sys.stdout.flush()


def check_env(args: argparse.Namespace) -> None:
    """Replays Gymnasium's recorded Pendulum-v1 cases: reset draws from the case's seed, then its actions."""
    with open(args.reference, encoding="utf-8") as f:
        cases = [c for c in json.load(f)["cases"] if c["env"] == "Pendulum-v1"]
    if not cases:
        raise SystemExit(f"{args.reference} holds no Pendulum-v1 cases")
    worst = {"initialState": 0.0, "state": 0.0, "obs": 0.0, "reward": 0.0}
    flags_ok = True
    n_steps = 0
    for case in cases:
        env = Pendulum(np.random.default_rng(case["seed"]))
        env.reset()
        worst["initialState"] = max(worst["initialState"], max(abs(a - b) for a, b in zip((env.theta, env.theta_dot), case["initialState"])))
        for action, ref in zip(case["actions"], case["steps"]):
            obs, reward, terminated, truncated = env.step(action[0])
            worst["state"] = max(worst["state"], max(abs(a - b) for a, b in zip((env.theta, env.theta_dot), ref["state"])))
            worst["obs"] = max(worst["obs"], float(np.max(np.abs(obs - np.asarray(ref["obs"], dtype=np.float32)))))
            worst["reward"] = max(worst["reward"], abs(reward - ref["reward"]))
            flags_ok = flags_ok and terminated == ref["terminated"] and truncated == ref["truncated"]
            n_steps += 1
    ok = flags_ok and max(worst.values()) < 1e-5
    print(json.dumps({"cases": len(cases), "steps": n_steps, "maxAbsError": worst, "flagsMatch": flags_ok, "ok": ok}), flush=True)
    if not ok:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["learn", "serve", "check-env"])
    parser.add_argument("--algo", choices=["td3", "ddpg"], default="td3")
    parser.add_argument("--threads", type=int, choices=[1, 2], default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=20_000)
    parser.add_argument("--learning-starts", type=int, default=10_000, help=argparse.SUPPRESS)  # for tiny test runs
    parser.add_argument("--reference", default="/work/shared/reference/gymnasium-classic.json")
    args = parser.parse_args()
    # The caller also sets OMP_NUM_THREADS / OPENBLAS_NUM_THREADS, which must be in place before torch loads.
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    {"learn": learn, "serve": serve, "check-env": check_env}[args.mode](args)


if __name__ == "__main__":
    main()
