"""Known values of the colour maths in Training/eval/colour.py."""

import math

import numpy as np
import pytest

from Training.eval import colour


def test_pu21_known_value():
    assert colour.pu21(100.0) == pytest.approx(256.4, abs=0.05)


def test_pu21_monotonic_and_clamped():
    y = np.logspace(-4, 5, 200)
    v = colour.pu21(y)
    assert np.all(np.diff(v) >= 0)
    assert colour.pu21(1e-5) == colour.pu21(0.005)
    assert colour.pu21(2e4) == colour.pu21(1e4)


def test_pq_known_values_and_round_trip():
    assert colour.pq_oetf(203.0) == pytest.approx(0.581, abs=5e-4)
    assert colour.pq_oetf(10000.0) == pytest.approx(1.0)
    x = np.logspace(-3, 4, 50)
    assert np.allclose(colour.pq_eotf(colour.pq_oetf(x)), x, rtol=1e-9)


def test_hlg_diffuse_white_is_203_nits():
    out = colour.hlg_eotf(np.array([0.75, 0.75, 0.75]), 1000.0)
    assert out == pytest.approx([203.0] * 3, rel=0.01)
    rgb = np.array([[120.0, 80.0, 30.0], [900.0, 700.0, 600.0]])
    assert np.allclose(colour.hlg_eotf(colour.hlg_inverse_eotf(rgb)), rgb, rtol=1e-6)


def _ictcp_scalar(rgb):
    """Independent scalar BT.2124 ICtCp, from the standard's constants (pure Python)."""
    m1, m2 = 0.1593017578125, 78.84375
    c1, c2, c3 = 0.8359375, 18.8515625, 18.6875
    r, g, b = rgb
    lms = ((1688 * r + 2146 * g + 262 * b) / 4096, (683 * r + 2951 * g + 462 * b) / 4096,
           (99 * r + 309 * g + 3688 * b) / 4096)
    lp, mp, sp = (((c1 + c2 * (x / 1e4) ** m1) / (1 + c3 * (x / 1e4) ** m1)) ** m2 for x in lms)
    return (0.5 * lp + 0.5 * mp, (6610 * lp - 13613 * mp + 7003 * sp) / 4096,
            (17933 * lp - 17390 * mp - 543 * sp) / 4096)


def test_delta_e_itp_identical_is_zero():
    a = np.array([[100.0, 50.0, 10.0], [0.0, 0.0, 0.0], [1000.0, 1000.0, 1000.0]])
    assert np.all(colour.delta_e_itp(a, a) == 0.0)


def test_delta_e_itp_matches_independent_reference():
    a, b = (100.0, 100.0, 100.0), (110.0, 95.0, 100.0)
    i1, t1, p1 = _ictcp_scalar(a)
    i2, t2, p2 = _ictcp_scalar(b)
    ref = 720.0 * math.sqrt((i1 - i2) ** 2 + 0.25 * (t1 - t2) ** 2 + (p1 - p2) ** 2)
    got = float(colour.delta_e_itp(np.array(a), np.array(b)))
    assert got == pytest.approx(ref, rel=1e-9)
    assert 1.0 < got < 20.0   # a visible but small colour shift


def test_bt2446a_endpoints_and_monotonic():
    grey = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
    out = colour.bt2446a(grey)[:, 1]
    assert out[0] == 0.0
    assert out[255] == pytest.approx(1000.0, rel=0.002)   # SDR white -> 1000 cd/m^2
    assert np.all(np.diff(out) > 0)


def test_primaries_round_trip():
    assert np.allclose(colour.M709_TO_2020 @ colour.M2020_TO_709, np.eye(3), atol=1e-12)
    # White stays white (rows sum to 1 within the published 4-digit rounding).
    assert np.allclose(colour.M709_TO_2020.sum(axis=1), 1.0, atol=1e-4)
