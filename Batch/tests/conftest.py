import json
import sys
from pathlib import Path

import pytest

# The package lives in Batch/, not on the default path: `python3 -m pytest Batch/tests` works from the root.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from batchtest import FPS, RX, sh  # noqa: E402
from reexpose_batch.engine import filter_unavailable  # noqa: E402
from reexpose_batch.tools import filter_ffmpeg_bin  # noqa: E402


@pytest.fixture(params=["pipe", "filter"])
def engine(request):
    """End-to-end tests run with both engines; the filter engine needs `make ffmpeg`'s ffmpeg."""
    if request.param == "filter":
        why = filter_unavailable(filter_ffmpeg_bin(), "x265") or filter_unavailable(filter_ffmpeg_bin(), "ffv1")
        if why:
            pytest.skip(f"filter engine: {why}")
    return request.param


@pytest.fixture(scope="session")
def clip(tmp_path_factory):
    """3 shots of 1 s (testsrc2, smptebars, red) at 160x120, 25 fps, H.264 with 12-frame GOPs (so seeks land
    on keyframes that are not cuts) and B-frames, with a 3 s sine in AAC (whose priming delays the video
    start to 21 ms: the join must keep that offset)."""
    d = tmp_path_factory.mktemp("clip")
    src = d / "src.mkv"
    sh("ffmpeg", "-v", "error", "-y",
       "-f", "lavfi", "-i", f"testsrc2=s=160x120:r={FPS}:d=1", "-f", "lavfi", "-i", f"smptebars=s=160x120:r={FPS}:d=1",
       "-f", "lavfi", "-i", f"color=c=red:s=160x120:r={FPS}:d=1", "-f", "lavfi", "-i", "sine=f=440:d=3:sample_rate=48000",
       "-filter_complex", "[0][1][2]concat=n=3:v=1,format=yuv420p[v]", "-map", "[v]", "-map", "3:a",
       "-c:v", "libx264", "-g", "12", "-bf", "2", "-c:a", "aac", "-shortest", src)
    return src


@pytest.fixture(scope="session")
def whole(clip, tmp_path_factory):
    """One whole-file `reexpose` run of the clip (fast): (file, its --stats)."""
    d = tmp_path_factory.mktemp("whole")
    sh(RX, "--preset", "fast", "--quiet", "--stats", d / "whole.json", "-i", clip, "-o", d / "whole.mkv")
    return d / "whole.mkv", json.loads((d / "whole.json").read_text())
