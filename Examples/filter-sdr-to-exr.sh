#!/usr/bin/env bash
# The one-process form of sdr-to-exr.sh: SDR → scene-linear float EXR sequence (BT.709 primaries, 1.0 = SDR
# white) with reexpose as a filter inside ffmpeg (`make ffmpeg`).
# usage: filter-sdr-to-exr.sh IN OUTDIR   (env: FFMPEG, default .build/ffmpeg/ffmpeg)
set -euo pipefail
in=${1:?usage: filter-sdr-to-exr.sh IN OUTDIR}
dir=${2:?usage: filter-sdr-to-exr.sh IN OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
ff=${FFMPEG:-$root/.build/ffmpeg/ffmpeg}
mkdir -p "$dir"
"$ff" -v error -y -i "$in" -map 0:v -vf reexpose=preset=linear-exr -c:v exr -compression zip1 "$dir/frame_%05d.exr"
