"""The actor-critic of pytorch/examples (reinforcement_learning/actor_critic.py) on a small
corridor instead of gym's CartPole: Categorical(probs) with sample / log_prob / entropy, a
namedtuple of saved actions, returns normalised with np.finfo(np.float32).eps, smooth_l1_loss
against torch.tensor([R]) built from a 0-d tensor, torch.stack(...).sum(), del model.rewards[:];
then REINFORCE on a Gaussian policy (Normal's rsample / log_prob / entropy, kl_divergence). The
trained policy walks straight to the goal."""

import argparse
from collections import namedtuple
from itertools import count

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torch.distributions import Categorical, Normal, kl_divergence

parser = argparse.ArgumentParser(description="PyTorch actor-critic example")
parser.add_argument("--gamma", type=float, default=0.9, metavar="G")
parser.add_argument("--seed", type=int, default=543, metavar="N")
parser.add_argument("--log-interval", type=int, default=20, metavar="N")
parser.add_argument("--episodes", type=int, default=120)
args = parser.parse_args()


class Corridor:
    """Positions 0..7; start at 2; action 1 steps right, 0 left; reward 1 at position 7 (the
    episode ends), -0.05 per other step; at most 30 steps."""

    n = 8

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def observe(self):
        state = np.zeros(self.n, dtype=np.float64)
        state[self.pos] = 1.0
        return state

    def reset(self):
        self.pos, self.t = 2, 0
        return self.observe(), {}

    def step(self, action):
        self.pos = max(0, self.pos + (1 if action == 1 else -1))
        self.t += 1
        done = self.pos == self.n - 1
        return self.observe(), (1.0 if done else -0.05), done, self.t >= 30, {}


env = Corridor(args.seed)
torch.manual_seed(args.seed)
SavedAction = namedtuple("SavedAction", ["log_prob", "value"])


class Policy(nn.Module):
    def __init__(self):
        super(Policy, self).__init__()
        self.affine1 = nn.Linear(Corridor.n, 32)
        self.action_head = nn.Linear(32, 2)
        self.value_head = nn.Linear(32, 1)
        self.saved_actions = []
        self.rewards = []

    def forward(self, x):
        x = F.relu(self.affine1(x))
        action_prob = F.softmax(self.action_head(x), dim=-1)
        state_values = self.value_head(x)
        return action_prob, state_values


model = Policy()
optimizer = optim.Adam(model.parameters(), lr=3e-2)
eps = np.finfo(np.float32).eps.item()


def select_action(state):
    state = torch.from_numpy(state).float()
    probs, state_value = model(state)
    m = Categorical(probs)
    action = m.sample()
    assert action.shape == () and action.dtype == torch.int64
    model.saved_actions.append(SavedAction(m.log_prob(action), state_value))
    return action.item()


def finish_episode():
    R = 0
    saved_actions = model.saved_actions
    policy_losses = []
    value_losses = []
    returns = []
    for r in model.rewards[::-1]:
        R = r + args.gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    for (log_prob, value), R in zip(saved_actions, returns):
        advantage = R - value.item()
        policy_losses.append(-log_prob * advantage)
        value_losses.append(F.smooth_l1_loss(value, torch.tensor([R])))
    optimizer.zero_grad()
    loss = torch.stack(policy_losses).sum() + torch.stack(value_losses).sum()
    loss.backward()
    optimizer.step()
    del model.rewards[:]
    del model.saved_actions[:]


lengths = []
for i_episode in count(1):
    state, _ = env.reset()
    ep_reward = 0
    for t in range(1, 10000):
        action = select_action(state)
        state, reward, terminated, truncated, _ = env.step(action)
        model.rewards.append(reward)
        ep_reward += reward
        if terminated or truncated:
            break
    lengths.append(t)
    finish_episode()
    if i_episode % args.log_interval == 0:
        print(f"Episode {i_episode}\tLast reward: {ep_reward:.2f}\tLast length: {t}")
    if i_episode == args.episodes:
        break

with torch.no_grad():
    probs, _ = model(torch.eye(Corridor.n)[:-1])
    dist = Categorical(probs=probs)
    print("P(right) per position:", [round(p, 3) for p in probs[:, 1].tolist()])
    assert dist.batch_shape == (7,) and dist.sample().shape == (7,)
    assert (dist.entropy() <= np.log(2) + 1e-6).all()
assert probs[2:, 1].min().item() > 0.8, probs
assert sum(lengths[-10:]) / 10 < 8, lengths[-10:]  # the shortest walk is 5 steps

# the same distribution from logits; the log-probabilities are log_softmax's
logits = torch.tensor([[1.0, 2.0, 0.5], [0.0, 0.0, 0.0]])
c = Categorical(logits=logits)
assert torch.allclose(c.log_prob(torch.tensor([1, 2])), F.log_softmax(logits, -1)[[0, 1], [1, 2]])
assert torch.allclose(c.probs.sum(-1), torch.ones(2))
assert abs(c.entropy()[1].item() - np.log(3)) < 1e-6

# REINFORCE with a Gaussian policy on a one-step problem: the best action is 1.5
mu = torch.zeros(1, requires_grad=True)
log_std = torch.zeros(1, requires_grad=True)
opt = optim.SGD([mu, log_std], lr=0.05)
for step in range(300):
    policy = Normal(mu, log_std.exp())
    actions = policy.sample((64,))
    assert actions.shape == (64, 1) and not actions.requires_grad
    rewards = -((actions - 1.5) ** 2)
    baseline = rewards.mean()
    loss = (
        -(policy.log_prob(actions) * (rewards - baseline)).mean() - 0.001 * policy.entropy().sum()
    )
    opt.zero_grad()
    loss.backward()
    opt.step()
print("mu %.3f std %.3f" % (mu.item(), log_std.exp().item()))
assert abs(mu.item() - 1.5) < 0.2 and log_std.exp().item() < 0.7

# the reparameterised sample carries the gradient; KL(N(0,1) || N(1,1)) = 1/2
z = Normal(mu, torch.ones(1)).rsample((3,))
z.sum().backward()
assert mu.grad is not None and z.requires_grad
kl = kl_divergence(
    Normal(torch.tensor(0.0), torch.tensor(1.0)), Normal(torch.tensor(1.0), torch.tensor(1.0))
)
assert abs(kl.item() - 0.5) < 1e-6
print("ok")
