#!/usr/bin/env bash
# SDR → scene-linear float EXR sequence (BT.709 primaries, 1.0 = SDR white) for VFX.
# usage: sdr-to-exr.sh IN OUTDIR
set -euo pipefail
in=${1:?usage: sdr-to-exr.sh IN OUTDIR}
dir=${2:?usage: sdr-to-exr.sh IN OUTDIR}
rx=${REEXPOSE:-reexpose}
mkdir -p "$dir"
ffmpeg -v error -i "$in" -map 0:v -c:v rawvideo -f matroska - \
  | "$rx" --preset linear-exr \
  | ffmpeg -v error -y -i - -c:v exr -compression zip1 -pix_fmt gbrpf32le "$dir/frame_%05d.exr"
