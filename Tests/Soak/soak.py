#!/usr/bin/env python3
"""Soak test: run a preset over a long generated stream and check that its memory stays flat.

ffmpeg generates a moving, noisy 320x180 picture with a clipped white patch (so denoise, masks and the
highlight stage all work) as Matroska (or --container) on a pipe; reexpose writes raw frames to this script, which counts them
and samples the process's resident set size (/proc/PID/status VmRSS) against the frame count. Memory is
judged between the middle and the end of the run, after start-up buffers, pools and caches have settled:
the median RSS over the last tenth of the frames may exceed the median around the middle by at most
--max-growth (2 % by default). Exit 0 when flat, 1 when it grows, 2 when the run itself fails.
"""
import argparse
import os
import subprocess
import sys
import threading
import time

W, H = 320, 180
FRAME_BYTES = W * H * 3  # yuv420p10le: 1.5 samples a pixel, 2 bytes a sample


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def median(values):
    v = sorted(values)
    return v[len(v) // 2] if v else None


def soak(binary, preset, frames, interval, max_growth, progress, samples_path=None, container="matroska"):
    source = (f"testsrc2=s={W}x{H}:r=25,noise=alls=10:allf=t,"
              f"drawbox=x=120:y=50:w=70:h=60:c=white:t=fill")
    gen = subprocess.Popen(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", source, "-frames:v", str(frames),
         "-c:v", "rawvideo", "-pix_fmt", "yuv420p", "-f", container, "-"],
        stdout=subprocess.PIPE)
    rx = subprocess.Popen([binary, "--preset", preset, "--quiet", "--format", "raw"],
                          stdin=gen.stdout, stdout=subprocess.PIPE)
    gen.stdout.close()
    done = [0]
    samples = []  # (frames written, RSS KiB)

    def sample():
        while rx.poll() is None:
            kib = rss_kib(rx.pid)
            if kib is not None:
                samples.append((done[0], kib))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    received = 0
    last_report = time.time()
    while True:
        chunk = rx.stdout.read(1 << 20)
        if not chunk:
            break
        received += len(chunk)
        done[0] = received // FRAME_BYTES
        if progress and time.time() - last_report > 2:
            last_report = time.time()
            kib = samples[-1][1] if samples else 0
            print(f"\rsoak {preset}: {done[0]}/{frames} frames, RSS {kib / 1024:.1f} MiB", end="", file=sys.stderr)
    rx.wait()
    gen.wait()
    sampler.join()
    if progress:
        print(file=sys.stderr)
    written = received // FRAME_BYTES
    if samples_path:
        with open(samples_path.replace("%p", preset), "w") as f:
            f.write("frames,rss_kib\n" + "".join(f"{n},{k}\n" for n, k in samples))
    if rx.returncode != 0 or gen.returncode != 0 or written != frames:
        print(f"soak {preset}: run failed (reexpose exit {rx.returncode}, ffmpeg exit {gen.returncode}, "
              f"{written} of {frames} frames)")
        return 2
    middle = median([k for n, k in samples if 0.45 * frames <= n <= 0.55 * frames])
    end = median([k for n, k in samples if n >= 0.9 * frames])
    peak = max(k for _, k in samples)
    if middle is None or end is None:
        print(f"soak {preset}: too few RSS samples ({len(samples)}); run more frames")
        return 2
    growth = end / middle - 1
    verdict = "flat" if growth <= max_growth else "GROWS"
    print(f"soak {preset}: {frames} frames of {W}x{H}; RSS middle {middle / 1024:.1f} MiB, end {end / 1024:.1f} MiB "
          f"({growth * 100:+.2f} %, limit {max_growth * 100:.0f} %), peak {peak / 1024:.1f} MiB: {verdict}")
    return 0 if growth <= max_growth else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default=os.environ.get("REEXPOSE_BIN", ".build/release/reexpose"))
    ap.add_argument("--run", action="append", required=True, metavar="PRESET:FRAMES",
                    help="preset and frame count, repeatable (e.g. fast:100000)")
    ap.add_argument("--interval", type=float, default=0.25, help="seconds between RSS samples")
    ap.add_argument("--container", default="matroska", choices=["matroska", "nut"],
                    help="container of the generated pipe (matroska: the documented one; libav's NUT demuxer keeps "
                         "every sync point in memory, about 200 bytes a frame, so NUT grows by design)")
    ap.add_argument("--samples", metavar="CSV", help="write (frames, RSS KiB) samples here; %%p = preset")
    ap.add_argument("--max-growth", type=float, default=0.02, help="allowed RSS growth, middle to end")
    args = ap.parse_args()
    worst = 0
    for run in args.run:
        preset, frames = run.rsplit(":", 1)
        worst = max(worst, soak(args.binary, preset, int(frames), args.interval, args.max_growth, sys.stderr.isatty(),
                                args.samples, args.container))
    sys.exit(worst)


if __name__ == "__main__":
    main()
