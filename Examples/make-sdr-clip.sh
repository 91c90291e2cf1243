#!/usr/bin/env bash
# Makes an SDR BT.709 test clip with blown highlights (a sky clipping toward the horizon, a drifting sun
# with a soft halo) over a moving test pattern, plus a 440 Hz audio track.
# usage: make-sdr-clip.sh OUT.mp4 [WIDTHxHEIGHT] [SECONDS]
set -euo pipefail
out=${1:?usage: make-sdr-clip.sh OUT.mp4 [WxH] [SECONDS]}
size=${2:-1280x720}
secs=${3:-4}
w=${size%x*}; h=${size#*x}
sun=$(( h / 5 ))
ffmpeg -v error -y \
  -f lavfi -i "gradients=s=${size}:c0=0x3a6fd8:c1=0xfff6e0:x0=0:y0=0:x1=0:y1=$(( h / 2 )):nb_colors=2:r=25:d=${secs}" \
  -f lavfi -i "testsrc2=s=${size}:r=25:d=${secs}" \
  -f lavfi -i "color=c=white:s=$(( sun * 2 ))x$(( sun * 2 )):r=25:d=${secs}" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000:d=${secs}" \
  -filter_complex "[0:v]eq=brightness=0.10:contrast=1.25[sky];[1:v]eq=contrast=1.4:brightness=0.08[pat];[sky][pat]blend=all_expr='if(lt(Y,H*0.5),A,B)'[bg];[2:v]format=yuva420p,geq=lum='255':cb='128':cr='128':a='255*clip(1.6-1.6*hypot(X-W/2,Y-H/2)/(W/2),0,1)'[s];[bg][s]overlay=x='W*0.6+t*$(( w / 40 ))':y=H*0.05,format=yuv420p,setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv[v]" \
  -map "[v]" -map 3:a -c:v libx264 -crf 16 -preset veryfast -c:a aac -shortest "$out"
