#!/usr/bin/env bash
# The reexpose libavfilter filter (make test-ffmpeg): the same frames as the pipe, colour tags and HDR10 side
# data as ffprobe reads them, one frame out per frame in with its pts, audio untouched, errors with the
# library's message, and the filter inside a larger graph. Skipped when `make ffmpeg` has not run.
# usage: run-tests.sh REEXPOSE_BIN
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rx=$(cd "$(dirname "${1:?usage: run-tests.sh REEXPOSE_BIN}")" && pwd)/$(basename "$1")
ff=$root/.build/ffmpeg/ffmpeg
fp=$root/.build/ffmpeg/ffprobe
if [ ! -x "$ff" ]; then
  echo "ffmpeg tests: skipped: $ff is not built (make ffmpeg)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
check() { # name expected actual
  if [ "$2" = "$3" ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "ffmpeg tests: FAIL $1: want '$2', got '$3'"; fi
}
# The hash column of framemd5 lines (stream, dts, pts, duration, size, hash), one frame a line.
hashes() { grep -v '^#' | awk -F', *' '{print $6}'; }
# Frames straight out of a filter graph as ffprobe reads them (lavfi keeps each frame's pts, not its colour).
probe_graph() { "$fp" -v error -f lavfi -i "$1" -show_entries "$2" -of csv=p=0; }

# A clip with blown highlights and sound, made by the system ffmpeg; 2 s so that look-ahead presets drain.
bash "$root/Examples/make-sdr-clip.sh" "$work/in.mp4" 320x180 2
frames=$("$fp" -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/in.mp4")
check "clip frames" "50" "$frames"

# 1. Frame for frame the pipe's output (both decoded by the same ffmpeg into the preset's pixel format), and
# the filter's stats file (stats=) against the CLI's --stats: the same frame count and measured light levels.
stats() { python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["frames"], float(s["maxCLL"]), float(s["maxFALL"]))' "$1"; }
for preset in static hdr10-pq fast; do
  "$ff" -v error -i "$work/in.mp4" -map 0:v -vf "reexpose=preset=$preset:stats=$work/filter-$preset.json" -f framemd5 - > "$work/filter-$preset.md5"
  "$ff" -v error -i "$work/in.mp4" -map 0:v -f nut -c:v rawvideo - | "$rx" --quiet --preset "$preset" --stats "$work/pipe-$preset.json" \
    | "$ff" -v error -i - -f framemd5 - > "$work/pipe-$preset.md5"
  check "$preset: frames" "$frames" "$(hashes < "$work/filter-$preset.md5" | wc -l)"
  check "$preset: filter = pipe, frame for frame" "$(hashes < "$work/pipe-$preset.md5" | md5sum)" "$(hashes < "$work/filter-$preset.md5" | md5sum)"
  check "$preset: stats= = --stats (frames, measured MaxCLL, MaxFALL)" "$(stats "$work/pipe-$preset.json")" "$(stats "$work/filter-$preset.json")"
done

# 2. One frame out per frame in, each with its pts (look-ahead frames drained at EOF).
want_pts=$(probe_graph "movie=$work/in.mp4" frame=pts | md5sum)
for preset in hdr10-pq fast; do
  check "$preset: every pts, in order" "$want_pts" "$(probe_graph "movie=$work/in.mp4,reexpose=preset=$preset" frame=pts | md5sum)"
done

# 3. Colour tags and side data of the preset. ffmpeg 5.1 carries a frame's colour tags into the encoder
# and the file (ffprobe reads them back), but no encoder or muxer of 5.1 other than VAAPI's takes HDR10 side
# data from frames: showinfo prints the frames' own, and x265 writes them as SEI from --x265-params.
# showinfo's lines for the first frame (from its "n:   0" line to the next frame's).
info() { "$ff" -v info -hide_banner -i "$work/in.mp4" -map 0:v -frames:v 1 -vf "$1,showinfo" -f null - 2>&1 \
  | grep Parsed_showinfo | awk '/ n: *0 /{on=1; print; next} / n: *[1-9]/{on=0} on'; }
stream() { "$fp" -v error -select_streams v:0 -show_entries "stream=$2" -of csv=p=0 "$1" | sed 's/,*$//'; }
pq=$(info reexpose=preset=hdr10-pq)
check "hdr10-pq frame tags" "1" "$(grep -c 'color_range:tv color_space:bt2020nc color_primaries:bt2020 color_trc:smpte2084' <<< "$pq")"
check "hdr10-pq mastering display (P3-D65, 1000 cd/m²)" "1" "$(grep -c 'mastering display:.*r(0.6800,0.3200).*max_luminance=1000.000000' <<< "$pq")"
check "hdr10-pq content light" "1" "$(grep -c 'Content Light Level information: MaxCLL=1000, MaxFALL=400' <<< "$pq")"
hlg=$(info reexpose=preset=hlg-broadcast)
check "hlg-broadcast frame tags" "1" "$(grep -c 'color_space:bt2020nc color_primaries:bt2020 color_trc:arib-std-b67' <<< "$hlg")"
check "hlg-broadcast: no HDR10 side data" "0" "$(grep -c 'mastering display\|Content Light' <<< "$hlg" || true)"
check "the input's own side data kept (x264's SEI)" "1" "$(grep -c 'side data - User Data Unregistered' <<< "$hlg")"
check "set= overrides (and what query_formats offers)" "2" \
  "$(info "reexpose=preset=static:set=output.transfer=hlg|output.pixelFormat=yuv422p12le:threads=2" | grep -c 'fmt:yuv422p12le\|color_trc:arib-std-b67$')"
"$ff" -v error -i "$work/in.mp4" -map 0:v -vf reexpose=preset=hdr10-pq -c:v rawvideo -strict -1 -f matroska "$work/pq.mkv"
check "hdr10-pq tags in Matroska (ffprobe)" "yuv420p10le,tv,bt2020nc,smpte2084,bt2020" \
  "$(stream "$work/pq.mkv" pix_fmt,color_range,color_space,color_transfer,color_primaries)"
"$ff" -v error -i "$work/in.mp4" -map 0:v -vf reexpose=preset=linear-exr -frames:v 2 -c:v exr -compression zip1 "$work/lin_%02d.exr"
check "linear-exr: float EXR frames" "gbrpf32le" "$(stream "$work/lin_01.exr" pix_fmt)"

# 4. Audio untouched: the same packets, byte for byte.
"$ff" -v error -i "$work/in.mp4" -map 0 -vf reexpose=preset=fast -c:v rawvideo -strict -1 -c:a copy -f matroska "$work/av.mkv"
audio() { "$ff" -v error -i "$1" -map 0:a -c copy -f framemd5 - | hashes | md5sum; }
check "audio packets untouched" "$(audio "$work/in.mp4")" "$(audio "$work/av.mkv")"
check "video frames with audio" "$frames" "$("$fp" -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/av.mkv" | sed 's/,*$//')"

# 5. Errors: a non-zero exit and the library's own message (as the CLI words it), naming what was wrong.
fails() { # expected-text filter-options
  local err rc
  set +e
  err=$("$ff" -v error -i "$work/in.mp4" -map 0:v -vf "reexpose=$2" -f null - 2>&1); rc=$?
  set -e
  [ "$rc" -ne 0 ] && grep -qF "$1" <<< "$err" && echo 1 || { echo "$err" | tail -3 >&2; echo 0; }
}
cli_err=$("$rx" --preset no-such-preset --print-preset 2>&1 || true)
check "the CLI's message" "1" "$(grep -cF "no preset 'no-such-preset'" <<< "$cli_err")"
check "bad preset: non-zero exit, the library's message" "1" "$(fails "cannot create the filter: no preset 'no-such-preset'" preset=no-such-preset)"
check "bad override: its key" "1" "$(fails "output.peakNits" "preset=static:set=output.peakNits=-5")"
check "missing events file: its name" "1" "$(fails "none.txt" "preset=balanced:events=$work/none.txt")"
# An event-camera recording (README: "width height", then "t x y p" per event, t in seconds).
{ echo "320 180"; for i in $(seq 0 399); do echo "$(( i / 200 )).$(printf %03d $(( i % 200 * 5 ))) $(( i * 7 % 320 )) $(( i * 3 % 180 )) $(( i % 2 * 2 - 1 ))"; done; } > "$work/events.txt"
check "events on a preset without fusion" "1" "$(fails "fusion" "preset=static:events=$work/events.txt")"
check "events with balanced: every frame" "$frames" \
  "$("$ff" -v error -i "$work/in.mp4" -map 0:v -vf "reexpose=preset=balanced:events=$work/events.txt" -f framemd5 - | hashes | wc -l)"
check "missing reference still: its name" "1" "$(fails "nothing.exr" "preset=quality:reference=$work/nothing.exr")"
check "unwritable stats file: its name" "1" "$(fails "cannot write the stats file $work/no/dir.json" "preset=fast:stats=$work/no/dir.json")"

# 6. Inside a graph: scale before, format after (a conversion libavfilter inserts itself).
"$ff" -v error -i "$work/in.mp4" -map 0:v -vf "scale=256:144,reexpose=preset=fast,format=yuv444p12le" -c:v rawvideo -strict -1 -f matroska "$work/graph.mkv"
check "scale,reexpose,format" "256,144,yuv444p12le,$frames" \
  "$("$fp" -v error -count_frames -select_streams v:0 -show_entries stream=width,height,pix_fmt,nb_read_frames -of csv=p=0 "$work/graph.mkv" | sed 's/,*$//')"

# 7. The examples: each one-process command against its pipe equivalent (the pipe run by the same ffmpeg).
export REEXPOSE=$rx FFMPEG=$ff
mkdir -p "$work/bin" && ln -s "$ff" "$work/bin/ffmpeg" && ln -s "$fp" "$work/bin/ffprobe"
for kind in hlg pq; do
  PATH="$work/bin:$PATH" bash "$root/Examples/sdr-to-$kind-x265.sh" "$work/in.mp4" "$work/pipe-$kind.mkv"
  bash "$root/Examples/filter-sdr-to-$kind-x265.sh" "$work/in.mp4" "$work/filter-$kind.mkv"
  check "example $kind: stream as the pipe's" "$(stream "$work/pipe-$kind.mkv" codec_name,pix_fmt,color_transfer,color_primaries)" \
    "$(stream "$work/filter-$kind.mkv" codec_name,pix_fmt,color_transfer,color_primaries)"
  check "example $kind: frames" "$frames" "$("$fp" -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/filter-$kind.mkv" | sed 's/,*$//')"
  check "example $kind: audio" "$(audio "$work/in.mp4")" "$(audio "$work/filter-$kind.mkv")"
  check "example $kind: decoded HEVC as the pipe's" "$("$ff" -v error -i "$work/pipe-$kind.mkv" -map 0:v -f framemd5 - | hashes | md5sum)" \
    "$("$ff" -v error -i "$work/filter-$kind.mkv" -map 0:v -f framemd5 - | hashes | md5sum)"
done
check "example hlg: transfer" "hevc,yuv420p10le,arib-std-b67,bt2020" "$(stream "$work/filter-hlg.mkv" codec_name,pix_fmt,color_transfer,color_primaries)"
sei=$("$fp" -v error -select_streams v:0 -read_intervals "%+#1" -show_frames "$work/filter-pq.mkv" | grep -cE "Mastering display metadata|Content light level metadata" || true)
check "example pq: HDR10 SEI on the first frame" "2" "$sei"
PATH="$work/bin:$PATH" bash "$root/Examples/sdr-to-exr.sh" "$work/in.mp4" "$work/exr-pipe"
bash "$root/Examples/filter-sdr-to-exr.sh" "$work/in.mp4" "$work/exr-filter"
check "example exr: files as the pipe's, byte for byte" "$(cd "$work/exr-pipe" && md5sum ./*.exr | md5sum)" "$(cd "$work/exr-filter" && md5sum ./*.exr | md5sum)"
check "example exr: frames" "$frames" "$(ls "$work/exr-filter" | grep -c '\.exr$')"

# 8. pipeline=1 (the library works on a thread of its own while ffmpeg decodes and encodes) against
# pipeline=0 (the default: all on ffmpeg's thread): the same frames with the same timestamps, the drain at EOF of a
# look-ahead preset on clips shorter than its window, and errors mid-stream and at EOF still failing cleanly.
md5_of() { # input filter-options
  "$ff" -v error -i "$1" -map 0:v -vf "reexpose=$2" -f framemd5 - | grep -v '^#' | md5sum
}
for preset in static hdr10-pq; do
  check "$preset: pipeline=1 = pipeline=0 (framemd5 with timestamps)" \
    "$(md5_of "$work/in.mp4" "preset=$preset:pipeline=0")" "$(md5_of "$work/in.mp4" "preset=$preset:pipeline=1")"
done
# The stats file is written after the drain, when the worker has finished with the library.
"$ff" -v error -i "$work/in.mp4" -map 0:v -vf "reexpose=preset=hdr10-pq:pipeline=1:stats=$work/pipeline1.json" -f null -
check "hdr10-pq, pipeline=1: stats= = --stats" "$(stats "$work/pipe-hdr10-pq.json")" "$(stats "$work/pipeline1.json")"
for n in 1 2; do
  "$ff" -v error -i "$work/in.mp4" -map 0:v -frames:v "$n" -c:v rawvideo -f nut "$work/short$n.nut"
  "$ff" -v error -i "$work/short$n.nut" -vf reexpose=preset=hdr10-pq:pipeline=1 -f framemd5 - > "$work/short$n.md5"
  check "hdr10-pq, $n-frame clip, pipeline=1: every frame drained" "$n" "$(hashes < "$work/short$n.md5" | wc -l)"
  check "hdr10-pq, $n-frame clip: pipeline=1 = pipeline=0" "$(md5_of "$work/short$n.nut" preset=hdr10-pq:pipeline=0)" \
    "$(grep -v '^#' "$work/short$n.md5" | md5sum)"
  check "hdr10-pq, $n-frame clip: pipeline=1 = pipe" \
    "$("$ff" -v error -i "$work/short$n.nut" -f nut -c:v rawvideo - | "$rx" --quiet --preset hdr10-pq | "$ff" -v error -i - -f framemd5 - | hashes | md5sum)" \
    "$(hashes < "$work/short$n.md5" | md5sum)"
done
# A size change inside the graph (scale evaluated per frame) is rejected by the library: at frame 10 the
# error comes back while frames are in flight, at frame 49 (the last) from the drain at EOF. ffmpeg must exit
# with the error and the library's message, not hang or crash (timeout 124, signals above 128).
size_change() { # pipeline first-frame-of-new-size
  local err rc
  set +e
  err=$(timeout 120 "$ff" -v error -i "$work/in.mp4" -map 0:v \
    -vf "scale=w='if(lt(n,$2),320,256)':h=180:eval=frame,reexpose=preset=hdr10-pq:pipeline=$1" -f null - 2>&1); rc=$?
  set -e
  [ "$rc" -eq 1 ] && grep -qF "frame rejected: frame $2: size changed from 320x180 to 256x180" <<< "$err" && echo 1 \
    || { echo "rc $rc: $(tail -3 <<< "$err")" >&2; echo 0; }
}
for p in 0 1; do
  check "size change mid-stream, pipeline=$p: exit 1 and the library's message" "1" "$(size_change $p 10)"
  check "size change on the last frame, pipeline=$p: exit 1 and the library's message" "1" "$(size_change $p 49)"
done
# A size change in the input makes ffmpeg 5.1 rebuild the graph without draining it (FFmpeg/README.md): with
# pipeline=0 static loses nothing there, with pipeline=1 the frame in flight is lost as well.
ffmpeg -v error -i "$work/in.mp4" -map 0:v -frames:v 10 -c:v libx264 -bsf:v h264_mp4toannexb -f h264 "$work/a.h264"
ffmpeg -v error -i "$work/in.mp4" -map 0:v -frames:v 10 -vf scale=256:144 -c:v libx264 -f h264 "$work/b.h264"
cat "$work/a.h264" "$work/b.h264" > "$work/resize.h264"
for p in 0 1; do
  check "static, graph rebuilt at a size change, pipeline=$p: frames out of 20" "$((20 - p))" \
    "$("$ff" -v error -i "$work/resize.h264" -vf "reexpose=preset=static:pipeline=$p" -f framemd5 - | hashes | wc -l)"
done
# The output closing early leaves a job in flight: uninit waits for it and the run ends normally.
set +e
timeout 120 "$ff" -v error -i "$work/in.mp4" -map 0:v -vf reexpose=preset=hdr10-pq:pipeline=1 -frames:v 5 -f framemd5 - > "$work/early.md5"
rc=$?
set -e
check "pipeline=1, output closed after 5 frames: exit 0, 5 frames" "0 5" "$rc $(hashes < "$work/early.md5" | wc -l)"

echo "ffmpeg tests: $passed passed, $failed failed ($("$ff" -version | head -1 | cut -d' ' -f1-3))"
[ "$failed" -eq 0 ]
