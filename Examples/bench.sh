#!/usr/bin/env bash
# make bench: fps, CPU time and peak memory of reexpose's `static`, `fast`, `hdr10-pq` and learned `balanced`/`quality` presets at
# 720p and 1080p,
# against ffmpeg's own zscale SDR→HLG conversion of the same input in the same run, printed as ratios; then the
# reexpose filter inside ffmpeg against the pipe at 1080p (bench-filter.sh).
# Input and output I/O are included on both sides: each reads the same NUT file and writes Matroska raw
# video without per-cluster CRC-32 (reexpose's default; ffmpeg gets -write_crc32 0 so both do the same work).
# usage: bench.sh [REEXPOSE_BIN]   (env: BENCH_FRAMES, default 100)
set -euo pipefail
rx=${1:-.build/release/reexpose}
frames=${BENCH_FRAMES:-100}
work=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$work"' EXIT
gnutime=/usr/bin/time
[ -x "$gnutime" ] || { echo "bench: needs GNU time (apt-get install time)"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)

# measure NAME CMD... → prints "cpu_seconds wall_seconds max_rss_kb"
measure() {
  local log="$work/time.log"
  "$gnutime" -f "%U %S %e %M" -o "$log" bash -c "$1" >/dev/null 2>"$work/err.log" || { cat "$work/err.log"; return 1; }
  awk '{printf "%.3f %.3f %d\n", $1 + $2, $3, $4}' "$log"
}

row() { # label frames cpu wall rss base_cpu
  awk -v l="$1" -v n="$2" -v c="$3" -v w="$4" -v m="$5" -v b="$6" 'BEGIN {
    printf "  %-34s %7.1f fps  %6.2f ms CPU/frame  %6.1f MiB peak  CPU ×%.2f of zscale\n", l, n / w, 1000 * c / n, m / 1024, c / b }'
}

echo "bench: $frames frames per run, $(nproc) cores, $(ffmpeg -version | head -1 | cut -d' ' -f1-3)"
for size in 1280x720 1920x1080; do
  in="$work/in-$size.nut"
  bash "$here/make-sdr-clip.sh" "$work/src-$size.mp4" "$size" $(( (frames + 24) / 25 ))
  ffmpeg -v error -y -i "$work/src-$size.mp4" -map 0:v -frames:v "$frames" -c:v rawvideo -f nut "$in"
  n=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets -of csv=p=0 "$in")
  echo "$size ($n frames):"
  read -r zc zw zm < <(measure "ffmpeg -v error -threads 2 -i $in -vf 'zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=arib-std-b67:m=bt2020nc:p=bt2020:r=tv:npl=203,format=yuv420p10le' -c:v rawvideo -f matroska -write_crc32 0 -strict -1 - > /dev/null")
  row "ffmpeg zscale SDR→HLG (baseline)" "$n" "$zc" "$zw" "$zm" "$zc"
  read -r sc sw sm < <(measure "$rx --quiet --preset static --set output.transfer=hlg -i $in > /dev/null")
  row "reexpose static (→HLG)" "$n" "$sc" "$sw" "$sm" "$zc"
  read -r fc fw fm < <(measure "$rx --quiet --preset fast -i $in > /dev/null")
  row "reexpose fast (→PQ)" "$n" "$fc" "$fw" "$fm" "$zc"
  read -r hc hw hm < <(measure "$rx --quiet --preset hdr10-pq -i $in > /dev/null")
  row "reexpose hdr10-pq (→PQ)" "$n" "$hc" "$hw" "$hm" "$zc"
  read -r bc bw bm < <(measure "$rx --quiet --preset balanced -i $in > /dev/null")
  row "reexpose balanced (REHDR, →PQ)" "$n" "$bc" "$bw" "$bm" "$zc"
  read -r qc qw qm < <(measure "$rx --quiet --preset quality -i $in > /dev/null")
  row "reexpose quality (diffusion, →PQ)" "$n" "$qc" "$qw" "$qm" "$zc"
  if [ "$size" = 1920x1080 ]; then
    awk -v c="$sc" -v z="$zc" -v n="$n" -v w="$fw" -v bw="$bw" -v qw="$qw" -v fc="$fc" -v hc="$hc" 'BEGIN {
      printf "  targets: static CPU ≤ 1.5× zscale: %s (%.2f×); fast ≥ 25 fps: %s (%.1f fps); balanced ≥ 5 fps: %s (%.1f fps); quality ≥ 1 fps: %s (%.1f fps)\n",
        (c <= 1.5 * z ? "met" : "NOT met"), c / z, (n / w >= 25 ? "met" : "NOT met"), n / w,
        (n / bw >= 5 ? "met" : "NOT met"), n / bw, (n / qw >= 1 ? "met" : "NOT met"), n / qw
      printf "  denoise issue: fast CPU ≤ 4× zscale: %s (%.2f×); hdr10-pq CPU ≤ 8× zscale: %s (%.2f×)\n",
        (fc <= 4 * z ? "met" : "NOT met"), fc / z, (hc <= 8 * z ? "met" : "NOT met"), hc / z }'
  fi
done

# One ffmpeg process with the reexpose filter against the pipe, on the same 1080p clip (make ffmpeg; skipped without it).
bash "$here/bench-filter.sh" "$rx" "$work/in-1920x1080.nut"

# Memory is bounded by the window, not the stream: 4× the frames must not need more memory.
short="$work/short.nut" long="$work/long.nut"
ffmpeg -v error -y -f lavfi -i "testsrc2=s=1280x720:r=25" -frames:v "$frames" -c:v rawvideo -pix_fmt yuv420p -f nut "$short"
ffmpeg -v error -y -f lavfi -i "testsrc2=s=1280x720:r=25" -frames:v $(( frames * 4 )) -c:v rawvideo -pix_fmt yuv420p -f nut "$long"
read -r _ _ m1 < <(measure "$rx --quiet --preset fast -i $short > /dev/null")
read -r _ _ m4 < <(measure "$rx --quiet --preset fast -i $long > /dev/null")
awk -v a="$m1" -v b="$m4" -v n="$frames" 'BEGIN { printf "memory: fast 720p peak %.1f MiB for %d frames, %.1f MiB for %d frames (ratio %.2f)\n", a / 1024, n, b / 1024, 4 * n, b / a }'
