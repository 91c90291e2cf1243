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
    path = base.make_base((d, "balanced"))
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
    # A second call finds the file and does no work.
    before = os.path.getmtime(path)
    assert base.make_base((d, "balanced")) == path and os.path.getmtime(path) == before
