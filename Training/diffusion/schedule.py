"""Noise schedule, v-prediction algebra, the shared tile PRNG and the DDIM/SDEdit sampler.

Swift twins: ``Sources/Diffusion/NoiseSchedule.swift``, ``TileNoise.swift``, ``DDIMSampler.swift``.
Everything here is specified exactly so the Swift port reproduces it (fixtures in
``Tests/Fixtures/diffusion`` check it).

Schedule: cosine (Nichol & Dhariwal 2021), T = 1000 steps, s = 0.008, in float64:
    f(u) = cos((u + s) / (1 + s) * pi / 2)^2,  beta_i = min(1 - f((i+1)/T) / f(i/T), 0.999)
    alpha_bar[t] = prod_{i <= t} (1 - beta_i),  t = 0 .. T-1.

Objective: v-prediction (Salimans & Ho 2022). With a = sqrt(alpha_bar[t]), b = sqrt(1 - alpha_bar[t]):
    x_t = a x0 + b eps,   v = a eps - b x0,   x0 = a x_t - b v,   eps = b x_t + a v.
v keeps the network's target at unit scale at every t, which matters for few-step sampling from
mid-range t (SDEdit), where eps-prediction amplifies its error by b/a into x0.

Sampler (DDIM, Song et al. 2021, with an SDEdit start): the tile's PDE fill x_fill is noised to
t_start = floor(strength * T + 0.5) - 1 (clamped to [0, T-1]); steps timesteps
    ts_i = floor(t_start * (steps - i) / steps), i = 0 .. steps-1 (duplicates dropped), then -1
(alpha_bar[-1] := 1). Each step: v = model(x, t); x0 = clamp(a x - b v, -1, 1); eps = b x + a v;
sigma = eta * sqrt((1 - ab_prev)/(1 - ab)) * sqrt(1 - ab/ab_prev);
x = sqrt(ab_prev) x0 + sqrt(1 - ab_prev - sigma^2) eps + sigma z. The last step returns x0.
strength 0 returns the fill unchanged.

Noise (``tile_noise``): counter-based SplitMix64 + Box-Muller, keyed by (seed, tile x, tile y, draw):
    key = sm(sm(sm(sm(seed) ^ tx) ^ ty) ^ draw),   u_k = (sm(key + k * G) >> 11 + 0.5) * 2^-53
    sm(z) = SplitMix64 output of state z (z += G; z = (z ^ z>>30) * 0xBF58476D1CE4E5B9;
            z = (z ^ z>>27) * 0x94D049BB133111EB; z ^ z>>31), G = 0x9E3779B97F4A7C15, all mod 2^64;
    pair k: r = sqrt(-2 ln u_2k), n_2k = r cos(2 pi u_2k+1), n_2k+1 = r sin(2 pi u_2k+1) (float64,
    then float32). Draw 0 noises the fill; draw i + 1 is step i's sigma noise. Element k of a
    [3, S, S] tile is channel-major (k = c S^2 + y S + x). No frame index: a static scene draws the
    same noise every frame, so it does not shimmer.
"""
import math

import numpy as np
import torch

T_STEPS = 1000
COSINE_S = 0.008
GOLDEN = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1


def alphas_cumprod(steps=T_STEPS, s=COSINE_S):
    """alpha_bar[t], t = 0..steps-1, float64 numpy array (cosine schedule, betas capped at 0.999)."""
    def f(u):
        return math.cos((u + s) / (1 + s) * math.pi / 2) ** 2
    out = np.empty(steps, np.float64)
    acc = 1.0
    for i in range(steps):
        beta = min(1.0 - f((i + 1) / steps) / f(i / steps), 0.999)
        acc *= 1.0 - beta
        out[i] = acc
    return out


ALPHA_BAR = alphas_cumprod()


def q_sample(x0, t, eps, ab=ALPHA_BAR):
    """x_t and the v target for integer timesteps t [N] (torch)."""
    abt = torch.as_tensor(ab, dtype=torch.float64)[t].float().view(-1, 1, 1, 1)
    a, b = abt.sqrt(), (1 - abt).sqrt()
    return a * x0 + b * eps, a * eps - b * x0


def ddim_timesteps(strength, steps, total=T_STEPS):
    """Decreasing timesteps of an SDEdit start at `strength` (see module docstring); [] for 0."""
    if strength <= 0 or steps <= 0:
        return []
    t0 = min(max(int(math.floor(strength * total + 0.5)) - 1, 0), total - 1)
    ts = []
    for i in range(steps):
        t = (t0 * (steps - i)) // steps
        if not ts or t < ts[-1]:
            ts.append(t)
    return ts


# ---------------------------------------------------------------- PRNG
def _sm(z):
    """SplitMix64 output for state z (numpy uint64 array or python int), vectorised, mod 2^64."""
    with np.errstate(over="ignore"):
        z = np.asarray(z, dtype=np.uint64) + np.uint64(GOLDEN)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def tile_key(seed, tx, ty, draw):
    k = _sm(np.uint64(seed & MASK64))
    for v in (tx, ty, draw):
        k = _sm(k ^ np.uint64(v & MASK64))
    return k


def tile_noise(seed, tx, ty, draw, shape):
    """Standard normal float32 array of `shape` for tile (tx, ty), draw `draw` (module docstring)."""
    n = int(np.prod(shape))
    pairs = (n + 1) // 2
    key = tile_key(seed, tx, ty, draw)
    with np.errstate(over="ignore"):
        k = np.arange(2 * pairs, dtype=np.uint64)
        z = _sm(key + k * np.uint64(GOLDEN))
    u = ((z >> np.uint64(11)).astype(np.float64) + 0.5) * (2.0 ** -53)
    u1, u2 = u[0::2], u[1::2]
    r = np.sqrt(-2.0 * np.log(u1))
    out = np.empty(2 * pairs, np.float64)
    out[0::2] = r * np.cos(2.0 * math.pi * u2)
    out[1::2] = r * np.sin(2.0 * math.pi * u2)
    return out[:n].astype(np.float32).reshape(shape)


# ---------------------------------------------------------------- sampler
@torch.no_grad()
def ddim_sample(model, x_fill, cond, ref_emb=None, steps=4, eta=0.0, strength=0.5, seed=0,
                tiles=None, ab=ALPHA_BAR, noise=None):
    """DDIM from the noised fill. x_fill [N,3,S,S] (x = 2E - 1), cond [N,12,S,S] (model.py).

    tiles: list of (tx, ty) per item for the noise key (default (i, 0)); noise: optional callable
    (item, draw) -> [3,S,S] tensor replacing tile_noise (training-time validation uses the default).
    Returns x0 [N,3,S,S]."""
    ts = ddim_timesteps(strength, steps, len(ab))
    if not ts:
        return x_fill.clone()
    n, _, s, _ = x_fill.shape
    tiles = tiles or [(i, 0) for i in range(n)]

    def z(draw):
        if noise is not None:
            return torch.stack([noise(i, draw) for i in range(n)])
        return torch.stack([torch.from_numpy(tile_noise(seed, tx, ty, draw, (3, s, s))) for tx, ty in tiles])

    a0 = float(ab[ts[0]])
    x = math.sqrt(a0) * x_fill + math.sqrt(1 - a0) * z(0)
    x0 = x
    for i, t in enumerate(ts):
        abt = float(ab[t])
        abp = float(ab[ts[i + 1]]) if i + 1 < len(ts) else 1.0
        a, b = math.sqrt(abt), math.sqrt(1 - abt)
        v = model(x, torch.full((n,), float(t)), cond, ref_emb)
        x0 = (a * x - b * v).clamp(-1.0, 1.0)
        if i + 1 == len(ts):
            break
        eps = b * x + a * v
        sigma = eta * math.sqrt((1 - abp) / (1 - abt)) * math.sqrt(max(1 - abt / abp, 0.0))
        x = math.sqrt(abp) * x0 + math.sqrt(max(1 - abp - sigma * sigma, 0.0)) * eps
        if sigma > 0:
            x = x + sigma * z(i + 1)
    return x0
