"""The level oracle: each blown region moves to its true log-mean level, nothing else moves."""

import numpy as np

from Training.eval import colour, metrics, oracle

H, W = 24, 40


def _scene():
    """Two frames; frame 0 has two blown squares, frame 1 one. The ground truth is grey 100 cd/m^2
    with the squares at 2000 and 400 cd/m^2; the method gives 100 everywhere except 600 in the
    squares. Neutral light, so every BT.2020 channel equals the luminance."""
    codes = np.full((2, H, W, 3), 120, np.uint8)
    gt = np.full((2, H, W, 3), 100.0)
    out = np.full((2, H, W, 3), 100.0)
    a = (slice(2, 8), slice(3, 9))
    b = (slice(12, 20), slice(25, 35))
    for t, regions in ((0, ((a, 2000.0), (b, 400.0))), (1, ((b, 400.0),))):
        for (ys, xs), level in regions:
            codes[t, ys, xs] = 255
            gt[t, ys, xs] = level
            out[t, ys, xs] = 600.0
    return codes, gt, out


def test_each_region_gets_its_own_true_level_capped_at_the_peak():
    codes, gt, out = _scene()
    res = oracle.region_levels(out, gt, codes, peak_nits=1000.0)
    # (2000 + 1) / (600 + 1) times 600 is above the peak: capped.
    assert np.allclose(res[0, 2:8, 3:9], 1000.0)
    # The gain is defined on Y + 1: 600 * 401 / 601.
    assert np.allclose(res[0, 12:20, 25:35], 600.0 * 401.0 / 601.0)
    assert np.allclose(res[1, 12:20, 25:35], 600.0 * 401.0 / 601.0)
    # A higher peak lets the bright square reach its level.
    assert np.allclose(oracle.region_levels(out, gt, codes, 4000.0)[0, 2:8, 3:9], 600.0 * 2001.0 / 601.0)


def test_unclipped_pixels_and_shape_inside_a_region_are_kept():
    codes, gt, out = _scene()
    ramp = np.linspace(0.5, 1.5, 10)[None, None, :, None]
    out[:, 12:20, 25:35] *= ramp          # a shape inside the region: one gain keeps its ratios
    out[:, 0, 0] = 37.0
    res = oracle.region_levels(out, gt, codes, peak_nits=1000.0)
    assert np.array_equal(res[codes.max(-1) < metrics.OVER_CODE], out[codes.max(-1) < metrics.OVER_CODE])
    inside = res[1, 12:20, 25:35, 0]
    assert np.allclose(inside / inside[:, :1], np.linspace(0.5, 1.5, 10) / 0.5)
    # The region's log-mean moved by the log-mean difference to the truth.
    y_in, y_out = out[1, 12:20, 25:35] @ colour.LUMA_2020, res[1, 12:20, 25:35] @ colour.LUMA_2020
    assert np.allclose(y_out / y_in, np.exp(np.log(401.0) - np.mean(np.log(y_in + 1))))


def test_the_bound_is_at_least_as_good_as_the_method_inside_blown_regions():
    codes, gt, out = _scene()
    before, _ = metrics.clip_metrics(out, gt, codes)
    after, _ = metrics.clip_metrics(oracle.region_levels(out, gt, codes, 1000.0), gt, codes)
    assert after["pu_psnr_over"] > before["pu_psnr_over"] + 3
    assert after["pu_psnr_under"] == before["pu_psnr_under"] or np.isnan(before["pu_psnr_under"])


def test_a_frame_without_blown_pixels_is_returned_unchanged():
    codes, gt, out = _scene()
    codes[:] = 100
    assert np.array_equal(oracle.region_levels(out, gt, codes, 1000.0), out)
