"""Write a clip's events as the text file `reexpose --events FILE` reads.

    python3 -m Training.data.events_txt data/val/clip_00000 /tmp/clip0-events.txt

Format (Sources/IO/EventFile.swift): comment lines start with '#'; the first data line is the sensor
size 'width height'; then one event per line 't x y p' with t in seconds since the first frame
(non-decreasing), x, y integer pixels and p = 1 (brighter) or -1 (darker).
"""

import argparse
import json
import os

import numpy as np


def write_events_txt(events, width, height, path):
    """events: structured array (t uint32 us since frame 0, x, y, p int8) sorted by time."""
    with open(path, "w") as f:
        f.write("# reexpose events: t[s] x y p\n")
        f.write(f"{width} {height}\n")
        if events.size:
            t = events["t"].astype(np.float64) / 1e6
            rows = np.column_stack([t, events["x"], events["y"], events["p"]])
            np.savetxt(f, rows, fmt=["%.6f", "%d", "%d", "%+d"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clip", help="a clip folder from `make data` (events.npy, meta.json)")
    ap.add_argument("out", help="text file to write")
    a = ap.parse_args(argv)
    with open(os.path.join(a.clip, "meta.json")) as f:
        meta = json.load(f)
    events = np.load(os.path.join(a.clip, "events.npy"))
    write_events_txt(events, meta["width"], meta["height"], a.out)


if __name__ == "__main__":
    main()
