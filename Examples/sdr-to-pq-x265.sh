#!/usr/bin/env bash
# SDR → HDR10 (PQ, BT.2020, 1000 cd/m² mastering) HEVC Main10 with mastering display + MaxCLL in the bitstream.
# usage: sdr-to-pq-x265.sh IN OUT.mkv
set -euo pipefail
in=${1:?usage: sdr-to-pq-x265.sh IN OUT.mkv}
out=${2:?usage: sdr-to-pq-x265.sh IN OUT.mkv}
rx=${REEXPOSE:-reexpose}
ffmpeg -v error -i "$in" -map 0 -c:v rawvideo -c:a copy -f matroska - \
  | "$rx" --preset hdr10-pq \
  | ffmpeg -v error -y -i - -map 0 -c:v libx265 -preset ultrafast -crf 20 \
      -x265-params "log-level=error:hdr10=1:repeat-headers=1:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:$("$rx" --preset hdr10-pq --x265-params)" \
      -c:a copy "$out"
