"""The report's blown-highlight figures: the region finder, the radial profile and plot_clip's
two files, on synthetic arrays (no data set, no ffmpeg)."""

import os

import numpy as np
import pytest

from Training.eval import blown, colour, report


def _flood_labels(mask):
    """Reference labelling: a plain 8-neighbour flood fill, components numbered in raster order."""
    labels = np.zeros(mask.shape, np.int32)
    count = 0
    for y, x in zip(*np.nonzero(mask)):
        if labels[y, x]:
            continue
        count += 1
        labels[y, x] = count
        stack = [(y, x)]
        while stack:
            a, b = stack.pop()
            for c in range(max(a - 1, 0), min(a + 2, mask.shape[0])):
                for d in range(max(b - 1, 0), min(b + 2, mask.shape[1])):
                    if mask[c, d] and not labels[c, d]:
                        labels[c, d] = count
                        stack.append((c, d))
    return labels, count


def test_labels_match_a_flood_fill_on_random_masks():
    rng = np.random.default_rng(3)
    for _ in range(60):
        mask = rng.random((int(rng.integers(1, 25)), int(rng.integers(1, 25)))) < rng.random()
        labels, count = blown.label_components(mask)
        want, want_count = _flood_labels(mask)
        assert count == want_count
        np.testing.assert_array_equal(labels, want)


def test_largest_blown_region_joins_diagonal_neighbours_and_gives_its_bbox():
    codes = np.full((64, 80, 3), 249, np.uint8)       # 249: just below the blown code
    codes[2:7, 3:8, 0] = 255                          # a 5×5 square: 25 px
    for i in range(30):                               # a diagonal line: 30 px, 8-connected only
        codes[10 + i, 30 + i, 2] = 250
    codes[50, 0:10, 1] = 251                          # a 10-px row
    region = blown.largest_blown_region(codes)
    assert region.area == 30
    assert region.bbox == (10, 40, 30, 60)
    assert region.mask.sum() == 30 and region.mask[10, 30] and region.mask[39, 59]
    assert region.equivalent_radius == pytest.approx(np.sqrt(30 / np.pi))
    assert blown.largest_blown_region(np.full((16, 16, 3), 249, np.uint8)) is None


def test_brightest_clipped_pixel_is_searched_inside_the_blown_mask_only():
    codes = np.zeros((40, 40, 3), np.uint8)
    codes[5:25, 5:25] = 255                           # large blown square, truth 300 cd/m²
    codes[30:33, 30:33] = 255                         # small blown square holding the peak
    gt = np.full((40, 40, 3), 300.0)
    gt[31, 32] = 9000.0
    gt[0, 0] = 1e6                                    # brighter, but not clipped in the input
    (y, x), region = blown.brightest_clipped(codes, gt)
    assert (y, x) == (31, 32)
    assert region.area == 9 and region.bbox == (30, 33, 30, 33)
    assert blown.brightest_clipped(np.zeros((8, 8, 3), np.uint8), gt[:8, :8]) is None


def test_luminance_uses_the_bt2020_weights():
    assert blown.luminance([[100.0, 0.0, 0.0]])[0] == pytest.approx(26.27)
    assert blown.luminance([0.0, 100.0, 0.0]) == pytest.approx(67.80)


def _disc(shape, centre, radius, peak):
    """A flat disc of `peak` cd/m² with an inverse-square falloff outside: L(d) = peak·(R/d)²."""
    yy, xx = np.indices(shape)
    d = np.hypot(yy - centre[0], xx - centre[1])
    return np.where(d <= radius, peak, peak * (radius / np.maximum(d, 1e-9)) ** 2)


def test_radial_profile_of_a_disc_matches_the_analytic_falloff():
    shape, centre, radius, peak = (90, 120), (40, 75), 6.0, 4000.0
    lum = _disc(shape, centre, radius, peak)
    r, mean = blown.radial_profile(lum, centre, 60)
    assert len(r) == len(mean) == 60
    np.testing.assert_allclose(mean[:5], peak)                 # rings inside the disc: flat
    assert r[0] == 0.0 and r[1] == pytest.approx((1 + np.sqrt(2)) / 2)      # rings' mean distances
    outside = np.arange(7, 60)                                 # rings wholly outside the disc
    np.testing.assert_allclose(mean[outside], peak * (radius / r[outside]) ** 2, rtol=0.01)
    # Rings past the frame's edge still average only frame pixels.
    assert np.isfinite(mean).all()
    r, mean = blown.radial_profile(np.ones((5, 5)), (0, 0), 8)
    assert np.isnan(mean[6:]).all() and np.isfinite(mean[:6]).all()


def test_profile_radius_scales_with_the_region_and_stays_in_the_frame():
    small = blown.Region(np.zeros((1, 1), bool), 4, (0, 2, 0, 2))
    big = blown.Region(np.zeros((1, 1), bool), 1000, (0, 40, 0, 40))
    assert blown.profile_radius((50, 50), small, (100, 100)) == blown.MIN_PROFILE_RADIUS
    assert blown.profile_radius((50, 50), big, (100, 100)) == int(np.ceil(2 * np.sqrt(1000 / np.pi)))
    assert blown.profile_radius((0, 0), big, (10, 10)) == int(np.ceil(np.hypot(9, 9)))


def test_crop_box_pads_a_quarter_keeps_32_px_and_stays_inside():
    assert blown.crop_box((40, 80, 100, 120), (200, 300)) == (30, 90, 94, 126)
    assert blown.crop_box((10, 12, 10, 12), (200, 300)) == (0, 32, 0, 32)      # grown, then shifted in
    assert blown.crop_box((100, 104, 290, 300), (200, 300)) == (86, 118, 268, 300)
    assert blown.crop_box((0, 20, 0, 20), (24, 24)) == (0, 24, 0, 24)


def _sun_clip(peak):
    """A 3-frame 48×64 clip: a sun of `peak` cd/m² (Gaussian) on a 40 cd/m² background, the LDR
    codes of the truth clipped at SDR white, and two 'methods'."""
    yy, xx = np.indices((48, 64))
    lum = 40.0 + peak * np.exp(-((yy - 20) ** 2 + (xx - 30) ** 2) / (2 * 5.0 ** 2))
    gt = np.repeat(np.repeat(lum[None, :, :, None], 3, axis=-1), 3, axis=0).astype(np.float32)
    codes = np.round(255 * np.clip(gt / colour.SDR_WHITE_NITS, 0, 1) ** (1 / 2.4)).astype(np.uint8)
    outputs = {"flat": np.minimum(gt, colour.SDR_WHITE_NITS), "half": gt * 0.5}
    per_frame = {m: {"pu_psnr": [30.0] * 3, "de_itp": [1.0] * 3, "tpu_rmse": [float("nan"), 1, 1]}
                 for m in outputs}
    return codes, gt, outputs, per_frame


def test_plot_clip_writes_and_the_report_embeds_the_blown_figures(tmp_path):
    codes, gt, outputs, per_frame = _sun_clip(peak=5000.0)
    files = report.plot_clip(str(tmp_path), "sun", codes, gt, outputs, per_frame)
    assert files["blown_crops"] == "sun_blown_crops.png"
    assert files["radial_profile"] == "sun_radial_profile.png"
    for key in ("blown_crops", "radial_profile"):
        assert os.path.getsize(tmp_path / files[key]) > 5000
    results = {"methods": ["flat"], "averages": {"flat": {}},
               "clips": [{"clip": "sun", "desc": "synthetic", "metrics": {"flat": {}}, "plots": files}]}
    report.write_report(str(tmp_path / "report.md"), results, {})
    text = (tmp_path / "report.md").read_text()
    assert "![blown_crops](plots/sun_blown_crops.png)" in text
    assert "![radial_profile](plots/sun_radial_profile.png)" in text


def test_plot_clip_without_blown_pixels_writes_neither(tmp_path):
    codes, gt, outputs, per_frame = _sun_clip(peak=100.0)    # 140 cd/m² at most: nothing clips
    assert codes.max() < 250
    files = report.plot_clip(str(tmp_path), "dim", codes, gt, outputs, per_frame)
    assert "blown_crops" not in files and "radial_profile" not in files
    assert "frames" in files                                # the other figures are still written
    assert not (tmp_path / "dim_blown_crops.png").exists()
    assert not (tmp_path / "dim_radial_profile.png").exists()


def test_crop_colour_scale_tops_at_the_truths_peak():
    assert report.crop_log_range(np.array([100.0, 3500.0])) == (report.CROP_FLOOR_NITS, 5000.0)
    assert report.crop_log_range(np.array([30000.0])) == (report.CROP_FLOOR_NITS, 50000.0)
    assert report.crop_log_range(np.array([300.0])) == (report.CROP_FLOOR_NITS, 5000.0)   # ≥ 10× SDR white
