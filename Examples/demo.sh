#!/usr/bin/env bash
# make demo: SDR clip with blown highlights → reexpose (hlg-broadcast) → HLG HEVC in Matroska via x265.
set -euo pipefail
bin=${1:-.build/release/reexpose}
here=$(cd "$(dirname "$0")" && pwd)
out=${DEMO_OUT:-demo-out}
mkdir -p "$out"
echo "demo: making an SDR clip with blown highlights: $out/sdr.mp4"
bash "$here/make-sdr-clip.sh" "$out/sdr.mp4" 1280x720 4
echo "demo: ffmpeg → reexpose --preset hlg-broadcast → ffmpeg libx265"
REEXPOSE="$bin" bash "$here/sdr-to-hlg-x265.sh" "$out/sdr.mp4" "$out/hlg.mkv"
echo "demo: what ffprobe reads back:"
ffprobe -v error -select_streams v:0 -show_entries stream=codec_name,width,height,pix_fmt,color_primaries,color_transfer,color_space \
  -of default=nw=1 "$out/hlg.mkv" | sed 's/^/  /'
echo "demo: result: $(cd "$out" && pwd)/hlg.mkv (stream summary: $out/stats.json)"
