#!/usr/bin/env bash
# The one-process form of sdr-to-hlg-x265.sh: SDR → HLG (BT.2100, 1000 cd/m²) HEVC Main10, audio kept, with
# reexpose as a filter inside ffmpeg (`make ffmpeg`). The frames are the pipe's, frame for frame.
# usage: filter-sdr-to-hlg-x265.sh IN OUT.mkv   (env: FFMPEG, default .build/ffmpeg/ffmpeg; REEXPOSE)
set -euo pipefail
in=${1:?usage: filter-sdr-to-hlg-x265.sh IN OUT.mkv}
out=${2:?usage: filter-sdr-to-hlg-x265.sh IN OUT.mkv}
root=$(cd "$(dirname "$0")/.." && pwd)
ff=${FFMPEG:-$root/.build/ffmpeg/ffmpeg}
rx=${REEXPOSE:-reexpose}
"$ff" -v error -y -i "$in" -map 0 -vf reexpose=preset=hlg-broadcast -c:v libx265 -preset ultrafast -crf 20 \
  -x265-params "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:$("$rx" --preset hlg-broadcast --x265-params)" \
  -c:a copy "$out"
