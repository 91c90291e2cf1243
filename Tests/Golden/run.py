#!/usr/bin/env python3
"""Golden tests of the whole pipeline (FATE-style): every case in Tests/Golden/<case>/ runs through the
release binary and its output is checked against the stored expected result.

    python3 Tests/Golden/run.py [--bin PATH] [--update] [--keep DIR] [--set KEY=VALUE ...] [CASE ...]

Classical cases compare an exact per-frame MD5 of the decoded output (expected.framemd5); learned cases
compare the decoded output with a stored expected output (expected.mkv, FFV1 lossless) in PU21-PSNR
against a lower bound in their `case` file. One line per case, then a last line `N passed, N failed`
(read by CI); the exit status is 1 when any case failed. `--update` rewrites the expected results from
the current binary (deliberate changes only; see README.md). Needs ffmpeg/ffprobe on PATH; learned cases
also need numpy (Training/requirements.txt).
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
INPUTS = os.path.join(HERE, "inputs")


class CaseError(Exception):
    """A case failed; the message is the one-line reason."""


def parse_case(case_dir):
    """The `case` file: `key: value` lines (`set:` repeatable), `#` comments."""
    spec = {"set": []}
    with open(os.path.join(case_dir, "case"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            key, sep, value = line.partition(":")
            if not sep:
                raise CaseError(f"case:{n}: expected 'key: value'")
            key, value = key.strip(), value.strip()
            if key == "set":
                spec["set"].append(value)
            elif key in ("preset", "input", "compare", "min_pu21_psnr", "note"):
                spec[key] = value
            else:
                raise CaseError(f"case:{n}: unknown key '{key}'")
    for key in ("preset", "input", "compare"):
        if key not in spec:
            raise CaseError(f"case: missing '{key}'")
    if spec["compare"] not in ("framemd5", "pu21"):
        raise CaseError(f"case: compare must be framemd5 or pu21, got '{spec['compare']}'")
    if spec["compare"] == "pu21" and "min_pu21_psnr" not in spec:
        raise CaseError("case: compare pu21 needs min_pu21_psnr")
    return spec


def run_binary(binary, spec, case_dir, out_path, extra_sets=()):
    """Runs the filter over the case's input (plus `extra_sets` overrides); raises CaseError on a non-zero
    exit."""
    preset = spec["preset"]
    if preset.endswith((".yaml", ".yml")):  # a preset file of the case
        preset = os.path.join(case_dir, preset)
    cmd = [binary, "--preset", preset, "--quiet", "-i", os.path.join(INPUTS, spec["input"]), "-o", out_path]
    for s in spec["set"] + list(extra_sets):
        cmd += ["--set", s]
    # The repository's presets and models, never an installed copy.
    env = dict(os.environ, REEXPOSE_PRESET_DIR=os.path.join(ROOT, "Presets"),
               REEXPOSE_MODEL_DIR=os.path.join(ROOT, "Models"))
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if r.returncode != 0:
        err = r.stderr.decode(errors="replace").strip().splitlines()
        raise CaseError(f"reexpose exited {r.returncode}: {err[-1] if err else ''}")


def frame_hashes(path):
    """The golden text of a video file: pixel format, size, then `pts_time, bytes, md5` per decoded frame.

    Only decoded frame data and timestamps enter (seconds, so the container's time base does not matter);
    no muxer or library version string does.
    """
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=width,height,pix_fmt:frame=pts_time", "-of", "json", path],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if probe.returncode != 0:
        raise CaseError(f"ffprobe failed on the output: {probe.stderr.decode(errors='replace').strip()[-300:]}")
    info = json.loads(probe.stdout)
    stream, frames = info["streams"][0], info.get("frames", [])
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", path, "-map", "0:v:0", "-f", "rawvideo", "-"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if raw.returncode != 0:
        raise CaseError(f"decoding the output failed: {raw.stderr.decode(errors='replace').strip()[-300:]}")
    data = raw.stdout
    if not frames or len(data) % len(frames):
        raise CaseError(f"{len(frames)} frames but {len(data)} bytes of decoded video")
    size = len(data) // len(frames)
    lines = [f"#pix_fmt: {stream['pix_fmt']}", f"#dimensions: {stream['width']}x{stream['height']}",
             "#pts_time, bytes, md5"]
    for i, fr in enumerate(frames):
        lines.append(f"{fr.get('pts_time', 'N/A')}, {size}, {hashlib.md5(data[i * size:(i + 1) * size]).hexdigest()}")
    return "\n".join(lines) + "\n"


def check_framemd5(case_dir, out_path, update):
    expected_path = os.path.join(case_dir, "expected.framemd5")
    got = frame_hashes(out_path)
    if update:
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write("# Golden output of this case (Tests/Golden/run.py); regenerate with run.py --update.\n" + got)
        return "updated"
    if not os.path.exists(expected_path):
        raise CaseError("no expected.framemd5 (run.py --update to create it)")
    with open(expected_path, encoding="utf-8") as f:
        want = "".join(l for l in f if not l.startswith("# "))
    if got == want:
        return "exact"
    g, w = got.splitlines(), want.splitlines()
    for i, (a, b) in enumerate(zip(g, w)):
        if a != b:
            where = f"frame {i - 3}" if i >= 3 else "header"
            raise CaseError(f"{where} differs: got '{a}', expected '{b}'")
    raise CaseError(f"{len(g) - 3} frames, expected {len(w) - 3}")


def check_pu21(case_dir, out_path, bound, update):
    expected_path = os.path.join(case_dir, "expected.mkv")
    if update:
        # FFV1 is lossless: the stored file decodes to exactly the binary's output, at a quarter the size.
        r = subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", out_path, "-map", "0:v:0", "-c:v", "ffv1",
                            "-level", "3", "-g", "1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
                            expected_path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise CaseError(f"writing expected.mkv failed: {r.stderr.decode(errors='replace').strip()[-300:]}")
        return "updated"
    if not os.path.exists(expected_path):
        raise CaseError("no expected.mkv (run.py --update to create it)")
    sys.path.insert(0, ROOT)
    from Training.eval import colour, pipes  # PU21 and the HDR decode of `make eval` (numpy only)

    try:
        got, got_info = pipes.decode_hdr(out_path)
        want, want_info = pipes.decode_hdr(expected_path)
    except pipes.PipeError as e:
        raise CaseError(str(e).replace("\n", " ")[-300:])
    keys = ("pix_fmt", "width", "height", "color_transfer", "color_primaries", "color_space", "color_range")
    for k in keys:
        if got_info.get(k) != want_info.get(k):
            raise CaseError(f"{k} is {got_info.get(k)}, expected {want_info.get(k)}")
    if got.shape != want.shape:
        raise CaseError(f"output has {got.shape[0]} frames, expected {want.shape[0]}")
    psnr = colour.pu_psnr(got, want)
    text = "exact" if psnr == float("inf") else f"PU21-PSNR {psnr:.2f} dB"
    if not psnr >= bound:
        raise CaseError(f"{text} is below the bound {bound:g} dB")
    return f"{text} (bound {bound:g} dB)"


def run_case(binary, case_dir, update, keep, extra_sets=()):
    spec = parse_case(case_dir)
    name = os.path.basename(case_dir)
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        out_path = os.path.join(keep or tmp, f"{name}.mkv")
        run_binary(binary, spec, case_dir, out_path, extra_sets)
        if spec["compare"] == "framemd5":
            return check_framemd5(case_dir, out_path, update)
        return check_pu21(case_dir, out_path, float(spec["min_pu21_psnr"]), update)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.environ.get("REEXPOSE_BIN", os.path.join(ROOT, ".build/release/reexpose")),
                    help="reexpose binary (default $REEXPOSE_BIN or .build/release/reexpose)")
    ap.add_argument("--update", action="store_true", help="rewrite the expected results from this binary")
    ap.add_argument("--keep", metavar="DIR", help="keep each case's output as DIR/<case>.mkv")
    ap.add_argument("--set", dest="extra_sets", action="append", default=[], metavar="KEY=VALUE",
                    help="an extra override for every case, to check that the cases catch a change "
                         "(e.g. --set expansion.exponent=2.6 fast must fail); not with --update")
    ap.add_argument("cases", nargs="*", help="case names (default: every directory with a `case` file)")
    args = ap.parse_args(argv)
    if args.update and args.extra_sets:
        ap.error("--set changes the output: expected results are never written with it")
    if not os.access(args.bin, os.X_OK):
        print(f"golden: no reexpose binary at {args.bin} (run make build)", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
    names = args.cases or sorted(d for d in os.listdir(HERE) if os.path.isfile(os.path.join(HERE, d, "case")))
    passed = failed = 0
    start = time.monotonic()
    for name in names:
        t0 = time.monotonic()
        try:
            if not os.path.isfile(os.path.join(HERE, name, "case")):
                raise CaseError("no such case")
            result = run_case(args.bin, os.path.join(HERE, name), args.update, args.keep, args.extra_sets)
            passed += 1
            print(f"PASS {name:<30} {result} ({time.monotonic() - t0:.2f} s)", flush=True)
        except CaseError as e:
            failed += 1
            print(f"FAIL {name:<30} {e} ({time.monotonic() - t0:.2f} s)", flush=True)
    print(f"golden: {len(names)} cases in {time.monotonic() - start:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
