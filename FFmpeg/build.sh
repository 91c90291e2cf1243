#!/usr/bin/env bash
# `make ffmpeg`: builds Debian's ffmpeg source package, patched with the reexpose filter, into .build/ffmpeg/.
#
# The version built is the one of the installed libav*-dev packages: libreexpose links the system's libav
# shared libraries, and the ffmpeg built here installs the same sonames in .build/ffmpeg/lib, so one copy of
# each library is loaded and both sides agree on every struct. The build is minimal (--disable-everything,
# then what the examples, tests and bench use) so that it fits CI's budget; a second run only relinks what
# changed. Installing the deb-src entry and the build dependencies needs root (or sudo).
# usage: build.sh RELEASE_DIR   (the directory holding libreexpose.so.0 and reexpose.pc; `make lib`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rel=$(cd "${1:-$root/.build/release}" && pwd)
out=$root/.build/ffmpeg
src_dir=$out/src
build_dir=$out/build
jobs=${FFMPEG_JOBS:-2}
# The Debian versions the patch was written and tested against (FFmpeg/README.md).
tested="7:5.1.9-0+deb12u1"

say() { echo "ffmpeg: $*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

version=$(dpkg-query -W -f='${Version}' libavfilter-dev 2>/dev/null || true)
[ -n "$version" ] || { say "libavfilter-dev is not installed (make setup)"; exit 1; }
upstream=${version#*:}; upstream=${upstream%%-*}
case " $tested " in *" $version "*) ;; *) say "warning: libav $version is not a tested version ($tested); the patch may not apply" ;; esac

# 1. Debian's source package, fetched once (about 10 MB).
mkdir -p "$src_dir"
dsc=$(ls "$src_dir"/ffmpeg_"$upstream"-*.dsc 2>/dev/null | head -1 || true)
if [ -z "$dsc" ]; then
  if ! apt-cache showsrc ffmpeg 2>/dev/null | grep -qx "Version: $version"; then
    list=/etc/apt/sources.list.d/reexpose-deb-src.sources
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")
    say "adding a deb-src entry for Debian $codename ($list) and running apt-get update, as root, to fetch ffmpeg's source"
    $SUDO tee "$list" >/dev/null <<EOF
# Added by reexpose's \`make ffmpeg\` (FFmpeg/build.sh): Debian source packages, to build ffmpeg with the reexpose filter.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    $SUDO apt-get update -qq
  fi
  say "fetching Debian's source package ffmpeg=$version"
  (cd "$src_dir" && apt-get source --download-only -qq "ffmpeg=$version")
  dsc=$(ls "$src_dir"/ffmpeg_"$upstream"-*.dsc | head -1)
fi

# 2. The patch: configure switch and registration, plus vf_reexpose.c as a new file. Written out whole so
# that builders of other ffmpeg binaries can apply the one file; the tree is re-extracted when it changes.
patch_file=$out/reexpose-ffmpeg-$upstream.patch
{
  cat "$root/FFmpeg/libreexpose-registration.patch"
  diff -u /dev/null "$root/FFmpeg/vf_reexpose.c" \
    | sed -e '1s|.*|--- /dev/null|' -e '2s|.*|+++ b/libavfilter/vf_reexpose.c|' || true
} > "$patch_file.new"
tree=$src_dir/ffmpeg-$upstream
if ! cmp -s "$patch_file.new" "$patch_file" || [ ! -f "$tree/libavfilter/vf_reexpose.c" ]; then
  rm -rf "$tree"
  (cd "$src_dir" && dpkg-source -x "$dsc" "$tree" >/dev/null)
  patch -d "$tree" -p1 --no-backup-if-mismatch -s < "$patch_file.new"
  say "applied $(basename "$patch_file") to Debian's ffmpeg $version"
fi
mv "$patch_file.new" "$patch_file"

# 3. libreexpose as an installed library would look, inside the prefix: the ffmpeg build finds it through
# its real reexpose.pc, and the binaries find it (and its presets) next to their own libraries.
mkdir -p "$out/lib/pkgconfig" "$out/include" "$out/share/reexpose"
ln -sf "$rel/libreexpose.so.0" "$out/lib/libreexpose.so.0"
ln -sf libreexpose.so.0 "$out/lib/libreexpose.so"
ln -sf "$root/CShim/include/reexpose.h" "$out/include/reexpose.h"
ln -sfn "$root/Presets" "$out/share/reexpose/presets"
ln -sfn "$root/Models" "$out/share/reexpose/models"
sed "s|^prefix=.*|prefix=$out|" "$rel/reexpose.pc" > "$out/lib/pkgconfig/reexpose.pc"
export PKG_CONFIG_PATH=$out/lib/pkgconfig

# 4. Configure (only when the options or the patch changed) and build.
gpl=()
x26x=()
for lib in x264 x265; do
  if pkg-config --exists "$lib"; then x26x+=("--enable-lib$lib"); gpl=(--enable-gpl); else say "lib$lib-dev not installed: building without lib$lib"; fi
done
encoders=rawvideo,wrapped_avframe,exr,aac,pcm_s16le,ffv1,libx264,libx265
options=(
  --prefix="$out" --enable-shared --disable-static --enable-rpath --disable-debug --disable-doc
  --disable-everything --disable-autodetect --disable-network --disable-postproc --enable-zlib
  --disable-programs --enable-ffmpeg --enable-ffprobe
  "${gpl[@]}" --enable-libreexpose "${x26x[@]}"
  --enable-protocol=file,pipe
  --enable-indev=lavfi
  --enable-demuxer=matroska,mov,nut,rawvideo,yuv4mpegpipe,image2,wav,aac,h264,hevc
  --enable-muxer=matroska,mov,mp4,nut,rawvideo,yuv4mpegpipe,image2,wav,framemd5,framecrc,md5,null,hevc,h264
  --enable-decoder=h264,hevc,rawvideo,exr,aac,pcm_s16le,wrapped_avframe,ffv1
  --enable-encoder="$encoders"
  --enable-parser=h264,hevc,aac
  --enable-bsf=h264_mp4toannexb,hevc_mp4toannexb,aac_adtstoasc
  --enable-filter=reexpose,scale,format,null,anull,aformat,aresample,copy,crop,pad,fps,setpts,trim,atrim,split,select,setparams,testsrc2,sine,anullsrc,color,movie,showinfo
)
stamp=$build_dir/reexpose-configure.stamp
want=$(printf '%s\n' "${options[@]}" | cat - "$root/FFmpeg/libreexpose-registration.patch" | sha256sum | cut -d' ' -f1)
mkdir -p "$build_dir"
if [ ! -f "$build_dir/ffbuild/config.mak" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "configuring: ${options[*]}"
  (cd "$build_dir" && "$tree/configure" "${options[@]}" > configure.log 2>&1) \
    || { tail -20 "$build_dir/ffbuild/config.log" >&2; say "configure failed (log: $build_dir/ffbuild/config.log)"; exit 1; }
  echo "$want" > "$stamp"
fi
start=$SECONDS
# The compiler's warnings about ffmpeg's own code go to the log; a failure shows its end.
if ! nice -n 10 make -C "$build_dir" -j"$jobs" > "$build_dir/make.log" 2>&1 || ! make -C "$build_dir" install >> "$build_dir/make.log" 2>&1; then
  tail -30 "$build_dir/make.log" >&2
  say "build failed (log: $build_dir/make.log)"
  exit 1
fi
ln -sf bin/ffmpeg "$out/ffmpeg"
ln -sf bin/ffprobe "$out/ffprobe"
say "built in $(( SECONDS - start )) s: $out/ffmpeg (Debian ffmpeg $version + libreexpose)"
cat <<EOF
Run it (the preset's colour tags and HDR10 side data are on every frame):
  $out/ffmpeg -i in.mp4 -vf reexpose=preset=hlg-broadcast -c:v libx265 -x265-params "\$(.build/release/reexpose --preset hlg-broadcast --x265-params)" -c:a copy out.mkv
  $out/ffmpeg -h filter=reexpose
Apply the same patch to another ffmpeg $upstream tree: patch -p1 < $patch_file (then ./configure --enable-libreexpose)
EOF
