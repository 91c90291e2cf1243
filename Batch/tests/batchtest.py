"""What the Batch tests share: where the binaries are, running a command, hashing a file's frames."""

import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RX = os.environ.get("REEXPOSE_BIN") or str(REPO / ".build" / "release" / "reexpose")
needs_binary = pytest.mark.skipif(not Path(RX).exists(), reason=f"no reexpose binary at {RX} (make build)")
FPS = 25


def sh(*argv):
    return subprocess.run([str(a) for a in argv], check=True, capture_output=True, text=True).stdout


def frame_hashes(path):
    out = sh("ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-")
    return [l.split(",")[-1].strip() for l in out.splitlines() if l and not l.startswith("#")]
