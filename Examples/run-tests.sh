#!/usr/bin/env bash
# Runs every shell example on a tiny clip and checks what ffprobe reads back (make test-examples).
# usage: run-tests.sh REEXPOSE_BIN
set -euo pipefail
export REEXPOSE=$(cd "$(dirname "${1:?usage: run-tests.sh REEXPOSE_BIN}")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "examples: FAIL $1: want '$2', got '$3'"; fi
}
probe() { ffprobe -v error -select_streams "$2" -show_entries "$3" -of csv=p=0 "$1" | head -1 | sed "s/,*$//"; }

bash "$here/make-sdr-clip.sh" "$work/sdr.mp4" 160x96 1
check "clip frames" "25" "$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/sdr.mp4")"

bash "$here/sdr-to-hlg-x265.sh" "$work/sdr.mp4" "$work/hlg.mkv"
check "hlg codec/transfer" "hevc,yuv420p10le,arib-std-b67,bt2020" "$(probe "$work/hlg.mkv" v:0 stream=codec_name,pix_fmt,color_transfer,color_primaries)"
check "hlg audio kept" "aac" "$(probe "$work/hlg.mkv" a:0 stream=codec_name)"
check "hlg frames" "25" "$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/hlg.mkv" | sed "s/,*$//")"

bash "$here/sdr-to-pq-x265.sh" "$work/sdr.mp4" "$work/pq.mkv"
check "pq codec/transfer" "hevc,yuv420p10le,smpte2084,bt2020" "$(probe "$work/pq.mkv" v:0 stream=codec_name,pix_fmt,color_transfer,color_primaries)"
# x265 writes the mastering display and MaxCLL SEI from --x265-params into the bitstream.
sei=$(ffprobe -v error -select_streams v:0 -read_intervals "%+#1" -show_frames "$work/pq.mkv" | grep -cE "Mastering display metadata|Content light level metadata" || true)
check "pq HDR10 SEI on the first frame" "2" "$sei"

bash "$here/sdr-to-exr.sh" "$work/sdr.mp4" "$work/exr"
check "exr frames" "25" "$(ls "$work/exr" | grep -c '\.exr$')"
check "exr pixel format" "gbrpf32le" "$(probe "$work/exr/frame_00001.exr" v:0 stream=pix_fmt)"

# The learned preset in the same pipe: every frame, HDR10 tags.
ffmpeg -v error -i "$work/sdr.mp4" -map 0:v -c:v rawvideo -f nut - | "$REEXPOSE" --preset balanced --quiet > "$work/balanced.mkv"
check "balanced frames" "25" "$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/balanced.mkv" | sed "s/,*$//")"
check "balanced transfer" "smpte2084,bt2020" "$(probe "$work/balanced.mkv" v:0 stream=color_transfer,color_primaries)"

echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
