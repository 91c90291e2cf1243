#!/usr/bin/env bash
# SDR mp4 → HLG (BT.2100, 1000 cd/m²) HEVC Main10 in Matroska, audio kept.
# usage: sdr-to-hlg-x265.sh IN OUT.mkv
set -euo pipefail
in=${1:?usage: sdr-to-hlg-x265.sh IN OUT.mkv}
out=${2:?usage: sdr-to-hlg-x265.sh IN OUT.mkv}
rx=${REEXPOSE:-reexpose}
stats="$(dirname "$out")/stats.json"
ffmpeg -v error -i "$in" -map 0 -c:v rawvideo -c:a copy -f matroska - \
  | "$rx" --preset hlg-broadcast --stats "$stats" \
  | ffmpeg -v error -y -i - -map 0 -c:v libx265 -preset ultrafast -crf 20 \
      -x265-params "log-level=error:colorprim=bt2020:transfer=arib-std-b67:colormatrix=bt2020nc:$("$rx" --preset hlg-broadcast --x265-params)" \
      -c:a copy "$out"
