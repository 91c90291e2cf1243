#!/usr/bin/env bash
# make bench, one process against the pipe: `ffmpeg -vf reexpose=preset=P` against
# `ffmpeg | reexpose --preset P | ffmpeg`, both with the ffmpeg of `make ffmpeg`, on the same 1080p NUT file, both
# writing the same Matroska raw video (no per-cluster CRC-32). Each runs twice, alternating, and the faster
# run counts (the machine is shared). Target: the filter at least 15 % faster wall-clock for static and hdr10-pq.
# usage: bench-filter.sh [REEXPOSE_BIN] [IN.nut]   (env: BENCH_FRAMES, default 100, when IN is made here)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rx=$(cd "$(dirname "${1:-$here/../.build/release/reexpose}")" && pwd)/$(basename "${1:-reexpose}")
ff=$here/../.build/ffmpeg/ffmpeg
if [ ! -x "$ff" ]; then
  echo "filter vs pipe: skipped: $ff is not built (make ffmpeg)"
  exit 0
fi
frames=${BENCH_FRAMES:-100}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
in=${2:-}
if [ -z "$in" ]; then
  in=$work/in.nut
  bash "$here/make-sdr-clip.sh" "$work/src.mp4" 1920x1080 $(( (frames + 24) / 25 ))
  "$ff" -v error -y -i "$work/src.mp4" -map 0:v -frames:v "$frames" -c:v rawvideo -f nut "$in"
fi
n=$("$here/../.build/ffmpeg/ffprobe" -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$in")

# measure CMD → "cpu_seconds wall_seconds max_rss_kb" (the largest process's peak for a pipe)
measure() {
  /usr/bin/time -f "%U %S %e %M" -o "$work/time.log" bash -c "$1" >/dev/null 2>"$work/err.log" || { cat "$work/err.log" >&2; return 1; }
  awk '{printf "%.3f %.3f %d\n", $1 + $2, $3, $4}' "$work/time.log"
}
# best CMD → the run of two with the least wall time
best() {
  local a b
  a=$(measure "$1"); b=$(measure "$1")
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); print (x[2] <= y[2] ? a : b) }'
}
row() { # label cpu wall rss
  awk -v l="$1" -v n="$n" -v c="$2" -v w="$3" -v m="$4" 'BEGIN {
    printf "  %-38s %6.1f fps  %7.2f s  %6.2f ms CPU/frame  %6.1f MiB peak\n", l, n / w, w, 1000 * c / n, m / 1024 }'
}

out="-c:v rawvideo -strict -1 -f matroska -write_crc32 0 -"
echo "1920x1080 ($n frames), one ffmpeg process with the reexpose filter against ffmpeg | reexpose | ffmpeg:"
for preset in static hdr10-pq; do
  pipe="$ff -v error -i $in -f nut -c:v rawvideo - | $rx --quiet --preset $preset | $ff -v error -i - $out"
  filter="$ff -v error -i $in -vf reexpose=preset=$preset $out"
  read -r pc pw pm < <(best "$pipe")
  read -r fc fw fm < <(best "$filter")
  row "pipe   $preset" "$pc" "$pw" "$pm"
  row "filter $preset" "$fc" "$fw" "$fm"
  awk -v p="$preset" -v pw="$pw" -v fw="$fw" 'BEGIN {
    f = 100 * (1 - fw / pw)
    printf "  %s: the filter takes %.2f× the pipe'"'"'s wall time, %.0f %% faster (target ≥ 15 %%: %s)\n", p, fw / pw, f, (f >= 15 ? "met" : "NOT met") }'
done
