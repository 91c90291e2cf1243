#!/usr/bin/env bash
# Builds the C examples against the built libreexpose (header + .pc + .so.0) and runs them.
# usage: run-test.sh RELEASE_DIR
set -euo pipefail
rel=$(cd "${1:-.build/release}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The .pc as installed, pointed at a staging prefix: what a C user's build sees.
stage="$work/prefix"
mkdir -p "$stage/lib/pkgconfig" "$stage/include"
cp "$rel/libreexpose.so.0" "$stage/lib/"
ln -s libreexpose.so.0 "$stage/lib/libreexpose.so"
cp "$root/CShim/include/reexpose.h" "$stage/include/"
sed "s|^prefix=.*|prefix=$stage|" "$rel/reexpose.pc" > "$stage/lib/pkgconfig/reexpose.pc"
export PKG_CONFIG_PATH="$stage/lib/pkgconfig"
flags=$(pkg-config --cflags --libs reexpose libavformat libavcodec libavutil)
echo "c-api: SONAME $(readelf -d "$stage/lib/libreexpose.so.0" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p'), rpath: $(readelf -d "$stage/lib/libreexpose.so.0" | grep -cE 'RPATH|RUNPATH') entries"
if readelf -d "$stage/lib/libreexpose.so.0" | grep -qE 'RPATH|RUNPATH'; then echo "c-api: FAIL: libreexpose has an rpath"; exit 1; fi
cc -std=c11 -Wall -Werror -o "$work/api_test" "$here/api_test.c" $flags -Wl,-rpath,"$stage/lib"
cc -std=c11 -Wall -Werror -o "$work/example" "$here/reexpose_example.c" $flags -Wl,-rpath,"$stage/lib"
cc -std=c11 -Wall -Werror -pthread -o "$work/threads_test" "$here/threads_test.c" $flags -Wl,-rpath,"$stage/lib"
export REEXPOSE_PRESET_DIR="$root/Presets"
export REEXPOSE_MODEL_DIR="$root/Models"
"$work/api_test"
"$work/threads_test"
ffmpeg -v error -f lavfi -i testsrc2=s=96x64:r=25 -frames:v 8 -c:v libx264 -pix_fmt yuv420p "$work/in.mp4"
"$work/example" hlg-broadcast "$work/in.mp4" "$work/out.yuv"
bytes=$(stat -c %s "$work/out.yuv")
want=$(( 8 * 96 * 64 * 3 ))
if [ "$bytes" -ne "$want" ]; then echo "c-api: FAIL: example wrote $bytes bytes, want $want"; exit 1; fi
echo "c-api: example re-exposed 8 frames through libreexpose ($bytes bytes of yuv420p10le)"
