"""Training/rehdr/base.py: the filter's own pre-fusion frames through the real binary.

Skipped without the release binary ($REEXPOSE_BIN or .build/release/reexpose, which `make test` builds first).
"""

import os

import numpy as np
import pytest

from Training.eval import pipes
from Training.rehdr import base
from Training.rehdr.sequences import clip_dirs, linearise_codes


@pytest.mark.skipif(not os.path.exists(pipes.reexpose_bin()), reason="no reexpose binary (make build)")
def test_base_frames_are_the_linear_pre_fusion_output(tiny_set):
    d = clip_dirs(tiny_set)[0]
    path = base.make_base((d, "balanced", "fusion"))
    assert os.path.basename(path) == "base-balanced.npy"
    frames = np.load(path).astype(np.float32)
    ldr = np.load(os.path.join(d, "ldr.npy"))
    assert frames.shape == ldr.shape and frames.dtype == np.float32
    # Mid-tones that neither clip nor crush keep the level the binary's `--transfer auto` decodes (BT.1886 for
    # the clips' BT.709 tag; 1.0 = SDR white), up to the denoise.
    lin = linearise_codes(ldr, "bt1886")
    mid = (ldr.max(axis=-1) < 230) & (ldr.min(axis=-1) > 40)
    assert mid.mean() > 0.2
    assert np.median(np.abs(frames[mid] - lin[mid])) < 0.01
    # Only the fusion stage is turned off: `balanced`'s own `recover` expansion runs, and `quality`'s base is its
    # diffusion output without an expansion the preset does not have.
    assert base.base_cmd("balanced").count("--set") == len(base.LINEAR_OUT) + 1
    assert "fusion.enabled=false" in base.base_cmd("quality") and "expansion.enabled=true" not in base.base_cmd("quality")
    # A second call finds the file and does no work.
    before = os.path.getmtime(path)
    assert base.make_base((d, "balanced", "fusion")) == path and os.path.getmtime(path) == before


@pytest.mark.skipif(not os.path.exists(pipes.reexpose_bin()), reason="no reexpose binary (make build)")
def test_diffusion_fill_is_the_unexpanded_pre_diffusion_output(tiny_set):
    # The frame the diffusion stage starts from: `quality` with its diffusion and fusion off (one --set each);
    # mid-tones keep their decoded level.
    d = clip_dirs(tiny_set)[0]
    path = base.make_base((d, "quality", "diffusion"))
    assert os.path.basename(path) == "fill-quality.npy"
    cmd = base.base_cmd("quality", "diffusion")
    assert cmd.count("diffusion.enabled=false") == 1 and "expansion.enabled=true" not in cmd
    fill = np.load(path).astype(np.float32)
    ldr = np.load(os.path.join(d, "ldr.npy"))
    assert fill.shape == ldr.shape
    lin = linearise_codes(ldr, "bt1886")
    mid = (ldr.max(axis=-1) < 230) & (ldr.min(axis=-1) > 40)
    assert np.median(np.abs(fill[mid] - lin[mid])) < 0.01
    assert np.isfinite(fill).all() and fill.min() >= 0
