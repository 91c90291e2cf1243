"""Choosing the engine and building the filter engine's command, against fake ffmpeg binaries that answer
`-h` as builds with and without the filter's options would (no real ffmpeg needed)."""

import stat

import pytest

from reexpose_batch import BatchError, ffcaps
from reexpose_batch.commands import reexpose_filter
from reexpose_batch.engine import choose, filter_unavailable
from reexpose_batch.tools import filter_ffmpeg_bin

# What ffmpeg 5.1 prints for `-h filter=reexpose`, trimmed; {extra} adds option lines.
REEXPOSE_HELP = """Filter reexpose
  Re-expose SDR video as HDR (PQ, HLG, scene-linear) with libreexpose.
    Inputs:
       #0: default (video)
    Outputs:
       #0: default (video)
reexpose AVOptions:
   preset            <string>     ..FV....... preset name or YAML file (default "hlg-broadcast")
   set               <string>     ..FV....... '|'-separated key=value preset overrides
   threads           <int>        ..FV....... worker threads (0: all cores) (from 0 to 1024) (default 0)
{extra}
"""
STATS = "   stats             <string>     ..FV....... JSON file written at the end of the input"
PIPELINE = "   pipeline          <int>        ..FV....... 1: a worker thread of its own (from 0 to 1) (default 1)"


def fake_ffmpeg(tmp_path, name, extra_options, encoders=("ffv1",), decode_error=None):
    """A script answering `-h filter=reexpose|select` and `-h encoder=E` like an ffmpeg build would, and the
    engine's decode probe (`-frames:v 1`) with success or `decode_error`."""
    (tmp_path / f"{name}.reexpose").write_text(REEXPOSE_HELP.format(extra="\n".join(extra_options)))
    cases = "\n".join(f'  encoder={e}) echo "Encoder {e} [fake]";;' for e in encoders)
    probe = f'echo "{decode_error}" >&2; exit 1' if decode_error else "exit 0"
    script = tmp_path / name
    script.write_text(f"""#!/bin/sh
case "$*" in *-frames:v*) {probe};; esac
case "$3" in
  filter=reexpose) cat "{tmp_path / (name + '.reexpose')}";;
  filter=select) echo "Filter select";;
{cases}
  *) echo "Codec '${{3#*=}}' is not recognized by FFmpeg.";;
esac
""")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_capabilities_are_read_from_the_binary(tmp_path):
    ff = fake_ffmpeg(tmp_path, "ff-stats", [STATS])
    assert ffcaps.filter_options(ff) == {"preset", "set", "threads", "stats"}
    assert ffcaps.has(ff, "encoder", "ffv1") and not ffcaps.has(ff, "encoder", "libx265")
    assert filter_unavailable(ff, "ffv1") is None
    assert "libx265" in filter_unavailable(ff, "x265")
    old = fake_ffmpeg(tmp_path, "ff-old", [])
    assert "no stats option" in filter_unavailable(old, "ffv1")
    assert "no reexpose filter" in filter_unavailable(str(tmp_path / "missing"), "ffv1")
    assert "make ffmpeg" in filter_unavailable(None, "ffv1")


def test_pipeline_0_only_where_the_filter_lists_the_option(tmp_path):
    before = ffcaps.filter_options(fake_ffmpeg(tmp_path, "ff-before", [STATS]))
    after = ffcaps.filter_options(fake_ffmpeg(tmp_path, "ff-after", [STATS, PIPELINE]))
    assert "pipeline" not in reexpose_filter("fast", [], "/s.json", 1, before)
    assert reexpose_filter("fast", [], "/s.json", 1, after).endswith(":pipeline=0")
    # More than one thread asked for: the filter keeps its default.
    assert "pipeline" not in reexpose_filter("fast", [], "/s.json", 2, after)


def test_the_real_filter_build_gets_pipeline_0_exactly_when_it_lists_it():
    ff = filter_ffmpeg_bin()
    opts = ffcaps.filter_options(ff) if ff else None
    if opts is None:
        pytest.skip("no ffmpeg with the reexpose filter (make ffmpeg)")
    assert "stats" in opts
    assert ("pipeline=0" in reexpose_filter("fast", [], "/s.json", 1, opts)) == ("pipeline" in opts)


def test_filter_arguments_are_escaped_for_both_parsing_levels():
    f = reexpose_filter("fast", ["output.transfer=hlg", "denoise.enabled=false"], "/o/a:b,c'd [e].json", 1)
    # Value level: ':' '\\' and quotes escaped; graph level: that escaping, ',' '[' ']' and spaces escaped again.
    assert f == ("reexpose=preset=fast:set=output.transfer=hlg|denoise.enabled=false:threads=1:"
                 "stats=/o/a\\\\:b\\,c\\\\\\'d\\\\\\ \\[e\\].json")


def test_choice_falls_back_to_the_pipe_only_when_asked_for_auto(tmp_path):
    src = tmp_path / "src.mkv"
    src.write_bytes(b"")
    assert choose("pipe", src, "ffv1") == ("pipe", "requested")
    engine, why = choose("auto", src, "ffv1", ffmpeg=tmp_path / "missing")
    assert engine == "pipe" and "no reexpose filter" in why
    with pytest.raises(BatchError, match="--engine filter cannot run"):
        choose("filter", src, "ffv1", ffmpeg=tmp_path / "missing")
    with pytest.raises(BatchError, match="unknown engine"):
        choose("threads", src, "ffv1")


def test_an_override_with_a_bar_keeps_the_pipe(tmp_path):
    """The filter's set option is one '|'-separated string; the CLI's --set takes any value."""
    src = tmp_path / "src.mkv"
    src.write_bytes(b"")
    ok = fake_ffmpeg(tmp_path, "ff-ok", [STATS])
    assert choose("auto", src, "ffv1", ffmpeg=ok, settings=["output.transfer=pq"]) == ("filter", ok)
    engine, why = choose("auto", src, "ffv1", ffmpeg=ok, settings=["a.b=x|y"])
    assert engine == "pipe" and "'|'" in why


def test_auto_falls_back_when_the_filter_ffmpeg_cannot_decode_the_source(tmp_path):
    src = tmp_path / "src.mov"
    src.write_bytes(b"")
    ok = fake_ffmpeg(tmp_path, "ff-decodes", [STATS])
    assert choose("auto", src, "ffv1", ffmpeg=ok) == ("filter", ok)
    ff = fake_ffmpeg(tmp_path, "ff-nodecode", [STATS], decode_error="Decoder (codec prores) not found")
    engine, why = choose("auto", src, "ffv1", ffmpeg=ff)
    assert engine == "pipe" and "cannot decode" in why and "prores" in why, why
