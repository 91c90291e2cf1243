"""What an ffmpeg binary can do: its components and the reexpose filter's options, read from `ffmpeg -h`.

The filter engine needs an ffmpeg built with the reexpose filter (`make ffmpeg`), and which of the filter's
options exist depends on the build it came from (`stats`, later `pipeline`); asking the binary itself works
before and after such options are added. Answers are cached per process: a worker asks once per binary.
"""

import functools
import re
import subprocess

_OPTION = re.compile(r"^\s+([A-Za-z_][\w-]*)\s+<\w+>")


def _help(ffmpeg, topic):
    """`ffmpeg -h topic` (stdout), or None when the binary cannot be run."""
    try:
        p = subprocess.run([ffmpeg, "-hide_banner", "-h", topic], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return p.stdout if p.returncode == 0 else None


@functools.lru_cache(maxsize=None)
def has(ffmpeg, kind, name):
    """True when `ffmpeg` has the component: kind is encoder, decoder, filter, demuxer or muxer.
    ffmpeg answers an unknown name with a message and exit status 0, so the first line is what tells."""
    text = _help(ffmpeg, f"{kind}={name}")
    if not text:
        return False
    first = text.lstrip().split("\n", 1)[0]
    return first.lower().startswith(f"{kind} {name}".lower())


@functools.lru_cache(maxsize=None)
def filter_options(ffmpeg, name="reexpose"):
    """The option names of filter `name` in `ffmpeg` (a frozenset), or None when it has no such filter."""
    if not has(ffmpeg, "filter", name):
        return None
    text = _help(ffmpeg, f"filter={name}") or ""
    opts, inside = set(), False
    for line in text.splitlines():
        if line.endswith("AVOptions:"):
            inside = line.startswith(f"{name} ")
            continue
        m = _OPTION.match(line) if inside else None
        if m:
            opts.add(m.group(1))
    return frozenset(opts)
