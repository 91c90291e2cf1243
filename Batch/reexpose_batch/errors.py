"""Errors with one-line messages that say which segment, which command and what it printed last."""

import shlex


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
        tail = " | ".join(line.strip() for line in stderr_tail.strip().splitlines()[-3:]) or "(no stderr)"
        status = "" if returncode is None else f" exited {returncode}"  # None: ran fine, result wrong
        super().__init__(f"{what}: `{shlex.join(self.argv)}`{status}: {tail}")

    def __reduce__(self):
        # Pickled back from Dask workers with all its fields.
        return (StepError, (self.what, self.argv, self.returncode, self.stderr_tail))
