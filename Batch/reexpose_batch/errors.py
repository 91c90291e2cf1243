"""Errors with one-line messages that say which segment, which command and what it printed last."""

import re
import shlex

# A message a libavfilter filter logged itself, e.g. "[Parsed_reexpose_2 @ 0x55…] cannot create the filter: …".
# In one ffmpeg process that message is the cause, and the last lines are ffmpeg's generic consequences
# ("Error reinitializing filters!"), so the summary names it first.
_FILTER_LINE = re.compile(r"^\[(Parsed_\w+) @ 0x[0-9a-f]+\] (.*)$")


def _summary(stderr_tail):
    """The last three lines of stderr, after the first message of a filter when that is not among them."""
    lines = [line.strip() for line in stderr_tail.strip().splitlines()]
    last = lines[-3:]
    for line in lines[:-3]:
        m = _FILTER_LINE.match(line)
        if m:
            last = [f"[{m.group(1)}] {m.group(2)}", *last]
            break
    return " | ".join(last) or "(no stderr)"


class BatchError(Exception):
    """A problem with the job as a whole (bad input, a plan that cannot be made, a join that failed)."""


class StepError(BatchError):
    """An external step (ffmpeg, ffprobe, reexpose) failed: names the segment, the command and its stderr tail,
    so a failure on a remote worker can be diagnosed from the driver's one line."""

    def __init__(self, what, argv, returncode, stderr_tail):
        self.what = what
        self.argv = list(argv)
        self.returncode = returncode
        self.stderr_tail = stderr_tail
        tail = _summary(stderr_tail)
        status = "" if returncode is None else f" exited {returncode}"  # None: ran fine, result wrong
        super().__init__(f"{what}: `{shlex.join(self.argv)}`{status}: {tail}")

    def __reduce__(self):
        # Pickled back from Dask workers with all its fields.
        return (StepError, (self.what, self.argv, self.returncode, self.stderr_tail))
