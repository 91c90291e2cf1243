"""Event simulation sanity on synthetic ramps (Training/data/events.py)."""

import math

import numpy as np

from Training.data import events


def _params(**kw):
    p = {"c_pos": 0.2, "c_neg": 0.2, "c_sigma": 0.0, "refractory_us": 0.0,
         "noise_rate_hz": 0.0, "log_eps": 0.0}
    p.update(kw)
    return p


def _ramp(stops, n=9, h=8, w=10):
    """Uniform luminance rising (or falling) exponentially: log intensity is linear in time."""
    lum = np.exp(np.linspace(0.0, stops * math.log(2.0), n))[:, None, None] * np.ones((n, h, w))
    times = np.round(np.arange(n) * 1e6 / 30).astype(np.int64)
    return lum, times


def test_brightening_ramp_gives_the_expected_positive_events():
    lum, times = _ramp(1.0)                    # +ln 2 = 0.693 -> 3 crossings of 0.2
    ev = events.simulate(lum, times, _params(), np.random.default_rng(0))
    assert ev.size == 3 * 8 * 10
    assert np.all(ev["p"] == 1)
    assert np.all(np.diff(ev["t"].astype(np.int64)) >= 0)
    # Crossing k happens at ln-level 0.2 k: time = 0.2 k / ln 2 of the ramp.
    t_first = sorted(set(ev["t"].tolist()))
    span = times[-1]
    for k, t in enumerate(t_first, start=1):
        assert abs(t - 0.2 * k / math.log(2.0) * span) <= 2


def test_darkening_ramp_gives_negative_events():
    lum, times = _ramp(-1.5)
    ev = events.simulate(lum, times, _params(), np.random.default_rng(0))
    assert ev.size == int(1.5 * math.log(2.0) / 0.2) * 80
    assert np.all(ev["p"] == -1)


def test_static_scene_without_noise_is_silent_and_noise_adds_events():
    lum = np.ones((5, 16, 16))
    times = np.arange(5) * 33333
    assert events.simulate(lum, times, _params(), np.random.default_rng(0)).size == 0
    noisy = events.simulate(lum, times, _params(noise_rate_hz=50.0), np.random.default_rng(0))
    expect = 50.0 * 256 * 4 * 33333e-6
    assert 0.6 * expect < noisy.size < 1.4 * expect


def test_refractory_period_drops_events():
    lum, times = _ramp(4.0, n=3)               # fast ramp: many crossings per interval
    free = events.simulate(lum, times, _params(), np.random.default_rng(0))
    slow = events.simulate(lum, times, _params(refractory_us=20000.0), np.random.default_rng(0))
    assert 0 < slow.size < free.size


def test_voxel_grid_conserves_polarity_per_interval():
    lum, times = _ramp(2.0, n=5)
    ev = events.simulate(lum, times, _params(c_sigma=0.05), np.random.default_rng(1))
    vox = events.voxel_grid(ev, times, 8, 10)
    assert vox.shape == (5, events.BINS, 8, 10)
    assert np.all(vox[0] == 0)
    t = ev["t"].astype(np.int64)
    for k in range(1, 5):
        n_k = np.sum((t > times[k - 1]) & (t <= times[k]))
        assert vox[k].sum() == np.float32(n_k) or abs(vox[k].sum() - n_k) < 1e-3
