"""make bench-batch: frames/s of reexpose-batch with 1 and 2 local workers on the same generated clip, for
each engine (pipe; filter when `make ffmpeg` has run), in the same run, and the parallel efficiency
(fps with 2 workers / (2 × fps with 1)).

Measures the cluster phase (segments submitted to joined), not planning; each engine and worker count gets a
fresh output directory. On a machine shared with other work the numbers move; compare within one run. Then,
as the machine's own ceiling, the whole clip as one filter-engine process alone and two such processes side by
side, without Dask: two workers cannot gain more over one than two independent processes do.
"""

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reexpose_batch import ffcaps  # noqa: E402
from reexpose_batch.commands import filter_argv  # noqa: E402
from reexpose_batch.engine import filter_unavailable  # noqa: E402
from reexpose_batch.plan import Segment  # noqa: E402
from reexpose_batch.run import process_file  # noqa: E402
from reexpose_batch.tools import filter_ffmpeg_bin  # noqa: E402


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


def _own_cpu():
    """CPU seconds of this process (the driver and scheduler) and its finished children."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _machine_busy():
    """CPU seconds every process on the machine has used (/proc/stat), or None off Linux."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _other_work(busy0, own0, t0):
    """Cores other work kept busy since t0: the machine's CPU time less this run's, over the wall time (None
    off Linux)."""
    if busy0 is None:
        return None
    return max(0.0, (_machine_busy() - busy0 - (_own_cpu() - own0)) / (time.monotonic() - t0))


def side_by_side(src, preset, d):
    """(one process's fps, two processes' fps together): the whole clip through one single-threaded filter
    engine command; one alone (timed before and after, averaged), then two at once."""
    ff = filter_ffmpeg_bin()
    whole = Segment(index=0, start_frame=0, end_frame=0, start_pts=0, start_seconds=0.0)  # no seek, no end

    def start(tag):
        argv = filter_argv(ff, src, whole, preset, [], "ffv1", Path(d) / f"side-{tag}.mkv",
                           Path(d) / f"side-{tag}.json", ffcaps.filter_options(ff))
        return subprocess.Popen(argv)

    def timed(*tags):
        t0 = time.monotonic()
        procs = [start(t) for t in tags]
        if any(p.wait() for p in procs):
            raise SystemExit("bench: the side-by-side ffmpeg failed")
        return time.monotonic() - t0

    alone = (timed("a") + timed("b")) / 2
    together = timed("c", "d")
    frames = int(json.loads((Path(d) / "side-a.json").read_text())["frames"])
    return frames / alone, 2 * frames / together


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--shots", type=int, default=6)
    ap.add_argument("--shot-seconds", type=float, default=2.0)
    ap.add_argument("--size", default="960x540",
                    help="frame size; at 320x180 starting three processes per segment outweighs the work")
    ap.add_argument("--segment-threads", type=int, default=1)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--engines", default="pipe,filter",
                    help="engines to compare (filter is skipped, with the reason, when its ffmpeg is missing)")
    a = ap.parse_args()
    from distributed import Client, LocalCluster
    engines = a.engines.split(",")
    if "filter" in engines:
        why = filter_unavailable(filter_ffmpeg_bin(), "ffv1")
        if why:
            print(f"filter engine skipped: {why}")
            engines.remove("filter")
    counts = [int(x) for x in a.workers.split(",")]
    load0 = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "bench.mkv"
        make_clip(src, a.shots, a.shot_seconds, a.size, 25)
        fps, busiest = {}, 0.0
        # Both engines at one worker count, then the next count: the engines meet the same background load.
        for n in counts:
            for e in engines:
                cpu0, own0, busy0, t00 = _children_cpu(), _own_cpu(), _machine_busy(), time.monotonic()
                with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
                    t0 = time.monotonic()
                    r = process_file(client, src, Path(d) / f"out-{e}-{n}", a.preset, encoder="ffv1",
                                     segment_seconds=a.shot_seconds, log=lambda m: None,
                                     threads=a.segment_threads, engine=e)
                    wall = time.monotonic() - t0
                cpu = _children_cpu() - cpu0  # the workers are reaped when the cluster closes
                others = _other_work(busy0, own0, t00)
                busiest = max(busiest, others or 0.0)
                assert r["engine"] == e, r["engine"]
                fps[e, n] = r["frames_per_second"]
                print(f"{e:6s} {n} worker(s): {r['frames']} frames in {r['segments']} segments, "
                      f"{fps[e, n]:.1f} frames/s (cluster phase), {wall:.1f} s with planning and join, "
                      f"{1000 * cpu / r['frames']:.1f} ms CPU per frame (all processes)"
                      + ("" if others is None else f", other work meanwhile {others:.2f} cores"), flush=True)
        for e in engines:
            for n in counts:
                if n > 1 and (e, 1) in fps:
                    f = fps[e, n]
                    print(f"{e:6s} efficiency with {n} workers: {f / (n * fps[e, 1]):.0%} ({f / fps[e, 1]:.2f}x; "
                          f"cores here: {os.cpu_count()})")
        print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
              + f"; at the start: {load0}  (other work on the machine takes cores from the workers)")
        if busiest > 0.25:
            # Linux groups a session's processes (autogroup) and shares the cores fairly between groups, nice or
            # not: another session's busy job keeps its share whatever the workers do.
            print(f"note: other work kept up to {busiest:.2f} cores busy; the efficiency measures what was left, "
                  f"not how the workers scale")
        n = max(counts)
        if len(engines) > 1:
            best = max(engines, key=lambda e: fps[e, n])
            print(f"best at {n} workers: {best} ({', '.join(f'{e} {fps[e, n]:.1f}' for e in engines)} frames/s)")
        if "filter" in engines:
            busy0, own0, t0 = _machine_busy(), _own_cpu(), time.monotonic()
            one, two = side_by_side(src, a.preset, d)
            others = _other_work(busy0, own0, t0)
            print(f"ceiling without Dask: the clip as one filter-engine process {one:.1f} frames/s, two side by side "
                  f"{two:.1f} frames/s together: {two / one:.2f}x"
                  + ("" if others is None else f" (other work meanwhile {others:.2f} cores)"))


if __name__ == "__main__":
    main()
