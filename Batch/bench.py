"""make bench-batch: frames/s of reexpose-batch with 1 and 2 local workers on the same generated clip, in
the same run, and the parallel efficiency (fps with 2 workers / (2 × fps with 1)).

Measures the cluster phase (segments submitted to joined), not planning; each worker count gets a fresh
output directory. On a machine shared with other work the numbers move; compare within one run.
"""

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reexpose_batch.run import process_file  # noqa: E402


def make_clip(path, shots, seconds, size, fps):
    """Shots of distinct lavfi sources (so the detector finds cuts), H.264, with a sine track."""
    sources = ["testsrc2", "smptebars", "color=c=navy", "rgbtestsrc", "testsrc", "smptehdbars", "yuvtestsrc"]
    args, labels = [], ""
    for i in range(shots):
        src = sources[i % len(sources)]
        args += ["-f", "lavfi", "-i", f"{src}{':' if '=' in src else '='}s={size}:r={fps}:d={seconds}"]
        labels += f"[{i}]"
    total = shots * seconds
    args += ["-f", "lavfi", "-i", f"sine=d={total}"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args, "-filter_complex",
                    f"{labels}concat=n={shots}:v=1,format=yuv420p[v]", "-map", "[v]", "-map", f"{shots}:a",
                    "-c:v", "libx264", "-g", str(fps), "-c:a", "aac", str(path)], check=True)


def _children_cpu():
    """CPU seconds (user + system) of every finished process below this one: the workers' pipes."""
    t = os.times()
    return t.children_user + t.children_system


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--shots", type=int, default=6)
    ap.add_argument("--shot-seconds", type=float, default=2.0)
    ap.add_argument("--size", default="960x540",
                    help="frame size; at 320x180 starting three processes per segment outweighs the work")
    ap.add_argument("--segment-threads", type=int, default=1)
    ap.add_argument("--workers", default="1,2")
    a = ap.parse_args()
    from distributed import Client, LocalCluster
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "bench.mkv"
        make_clip(src, a.shots, a.shot_seconds, a.size, 25)
        fps = {}
        for n in [int(x) for x in a.workers.split(",")]:
            cpu0 = _children_cpu()
            with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                              silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                t0 = time.monotonic()
                r = process_file(client, src, Path(d) / f"out{n}", a.preset, encoder="ffv1",
                                 segment_seconds=a.shot_seconds, log=lambda m: None, threads=a.segment_threads)
                wall = time.monotonic() - t0
            cpu = _children_cpu() - cpu0  # the workers are reaped when the cluster closes
            fps[n] = r["frames_per_second"]
            print(f"{n} worker(s): {r['frames']} frames in {r['segments']} segments, {fps[n]:.1f} frames/s "
                  f"(cluster phase), {wall:.1f} s with planning and join, {1000 * cpu / r['frames']:.1f} ms CPU "
                  f"per frame (all processes)")
        if 1 in fps:
            for n, f in fps.items():
                if n > 1:
                    print(f"efficiency with {n} workers: {f / (n * fps[1]):.0%} (cores here: {os.cpu_count()})")


if __name__ == "__main__":
    main()
