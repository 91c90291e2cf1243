#!/usr/bin/env bash
# The one-process form of sdr-to-pq-x265.sh: SDR → HDR10 (PQ, BT.2020, 1000 cd/m² mastering) HEVC Main10
# with reexpose as a filter inside ffmpeg (`make ffmpeg`). ffmpeg 5.1's libx265 wrapper ignores the frames'
# HDR10 side data, so the mastering display and MaxCLL reach the bitstream through --x265-params, as in the pipe.
# usage: filter-sdr-to-pq-x265.sh IN OUT.mkv   (env: FFMPEG, default .build/ffmpeg/ffmpeg; REEXPOSE)
set -euo pipefail
in=${1:?usage: filter-sdr-to-pq-x265.sh IN OUT.mkv}
out=${2:?usage: filter-sdr-to-pq-x265.sh IN OUT.mkv}
root=$(cd "$(dirname "$0")/.." && pwd)
ff=${FFMPEG:-$root/.build/ffmpeg/ffmpeg}
rx=${REEXPOSE:-reexpose}
"$ff" -v error -y -i "$in" -map 0 -vf reexpose=preset=hdr10-pq -c:v libx265 -preset ultrafast -crf 20 \
  -x265-params "log-level=error:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:$("$rx" --preset hdr10-pq --x265-params)" \
  -c:a copy "$out"
