"""A small progress bar on stderr (no dependency). REEXPOSE_PROGRESS=0 keeps only the final
summary line (for logs)."""

import os
import sys
import time


class Progress:
    """Counts finished items and redraws one stderr line at most every 0.2 s."""

    def __init__(self, total, label):
        self.total, self.label, self.done = total, label, 0
        self.start = time.monotonic()
        self.last = 0.0
        self.live = os.environ.get("REEXPOSE_PROGRESS", "1") != "0"

    def update(self, n=1):
        self.done += n
        now = time.monotonic()
        if self.live and (now - self.last > 0.2 or self.done == self.total):
            self.last = now
            frac = self.done / max(self.total, 1)
            bar = "#" * int(30 * frac) + "-" * (30 - int(30 * frac))
            el = now - self.start
            eta = el / frac - el if frac > 0 else 0.0
            sys.stderr.write(f"\r{self.label} [{bar}] {self.done}/{self.total} "
                             f"{el:5.0f}s elapsed, {eta:4.0f}s left")
            sys.stderr.flush()

    def close(self):
        el = time.monotonic() - self.start
        if self.live:
            sys.stderr.write("\n")
        sys.stderr.write(f"{self.label}: {self.done}/{self.total} done in {el:.1f}s\n")
        sys.stderr.flush()
