#!/usr/bin/env bash
# Makes the golden tests' input clips from ffmpeg's lavfi sources. Run once; the clips are committed, and
# the expected results are only valid for the committed bytes (re-running this with another ffmpeg may
# produce different clips: then every case needs `run.py --update`, see README.md).
#
#   inputs/sdr-128x72.mkv       yuv420p, BT.709 limited range, 6 frames at 25 fps, rawvideo in Matroska
#   inputs/sdr10-96x54.nut      yuv420p10le (10-bit), same content at 96x54, 4 frames, rawvideo in NUT
#                               (ffmpeg's Matroska muxer stores no 10-bit rawvideo)
#   inputs/sdr-ae-128x72.mkv    yuv420p, 6 frames: auto exposure opening over a static scene (make_ramp)
#   inputs/sdr-ae-closing-128x72.mkv  the same scene with the exposure closing from 1.5 stops over (make_ramp)
#
# Content, so every stage has work: frames 0-2 are a sky gradient whose top clips, with a blown white
# disc (soft halo) moving 6 px a frame over a test pattern; the bottom quarter is dark (about 12 % of the
# pattern) with temporal noise. Frames 3-5 are another scene (a scene cut): a darker, noisy colour-bar
# pattern with a clipped white bar moving 8 px a frame.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p inputs

make_clip() {  # make_clip WxH PIX_FMT FRAMES_A FRAMES_B OUT (container from its extension)
  local size=$1 fmt=$2 na=$3 nb=$4 out=$5
  local w=${size%x*} h=${size#*x}
  local disc=$(( h * 2 / 5 )); disc=$(( disc / 2 * 2 ))
  local bar=$(( w / 8 ))
  ffmpeg -v error -y \
    -f lavfi -i "gradients=s=${size}:c0=0x3a6fd8:c1=0xfff6e0:x0=0:y0=0:x1=0:y1=$(( h / 2 )):nb_colors=2:r=25:d=1:seed=1" \
    -f lavfi -i "testsrc2=s=${size}:r=25:d=1" \
    -f lavfi -i "color=c=white:s=${disc}x${disc}:r=25:d=1" \
    -f lavfi -i "smptehdbars=s=${size}:r=25:d=1" \
    -f lavfi -i "color=c=white:s=${bar}x${h}:r=25:d=1" \
    -filter_complex "
      [0:v]eq=brightness=0.12:contrast=1.3[sky];
      [1:v]eq=contrast=1.4:brightness=0.05[pat];
      [sky][pat]blend=all_expr='if(lt(Y,H*0.45),A,if(gt(Y,H*0.75),16+(B-16)*0.12,B))':c1_expr='if(gt(Y,H*0.75),128+(B-128)*0.12,if(lt(Y,H*0.45),A,B))':c2_expr='if(gt(Y,H*0.75),128+(B-128)*0.12,if(lt(Y,H*0.45),A,B))'[bg];
      [bg]noise=c0s=10:c0f=t+u:all_seed=7[bgn];
      [2:v]format=yuva420p,geq=lum='255':cb='128':cr='128':a='255*clip(1.8-1.8*hypot(X-W/2,Y-H/2)/(W/2),0,1)'[disc];
      [bgn][disc]overlay=x='W*0.35+n*6':y=H*0.04:eval=frame,trim=end_frame=${na},setpts=N/25/TB[a];
      [3:v]eq=brightness=-0.18:contrast=0.9,noise=c0s=14:c0f=t+u:all_seed=11[b0];
      [b0][4:v]overlay=x='W*0.2+n*8':y=0:eval=frame,trim=end_frame=${nb},setpts=N/25/TB[b];
      [a][b]concat=n=2:v=1:a=0,format=${fmt},setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv[v]" \
    -map "[v]" -c:v rawvideo -pix_fmt "$fmt" \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
    "$out"
}

# A camera's auto exposure opening by about 1.5 stops: testsrc2's first frame, held (darkened), with a bright window
# that is unclipped in frame 0 and clips from frame 2 on; R'G'B' codes scaled by 2^(1.5·min(n/3, 1)/2.4)
# (a linear-light gain through the BT.1886 curve), so `recall` has a measured level to bring back. With
# `closing` the exposure starts 1.5 stops over and closes over frames 0-3 (2^(1.5·(1 − min(n/3, 1))/2.4)), so the
# window clips in the first frames and is measured only in the later ones.
make_ramp() {  # make_ramp WxH OUT [closing]
  local size=$1 out=$2
  local stops="1.5*min(N/3,1)"
  [ "${3:-}" = closing ] && stops="1.5*(1-min(N/3,1))"
  local w=${size%x*} h=${size#*x}
  ffmpeg -v error -y \
    -f lavfi -i "testsrc2=s=${size}:r=25:d=1" \
    -f lavfi -i "color=c=0xe0d8c8:s=$(( w / 4 ))x$(( h / 4 )):r=25:d=1" \
    -filter_complex "
      [0:v]trim=end_frame=1,loop=loop=5:size=1:start=0,eq=brightness=-0.2:contrast=0.5[pat];
      [pat][1:v]overlay=x=W*0.55:y=H*0.2,format=gbrp,
        geq=r='min(255,r(X,Y)*pow(2,${stops}/2.4))':g='min(255,g(X,Y)*pow(2,${stops}/2.4))':b='min(255,b(X,Y)*pow(2,${stops}/2.4))',
        trim=end_frame=6,setpts=N/25/TB,format=yuv420p,
        setparams=color_primaries=bt709:color_trc=bt709:colorspace=bt709:range=tv[v]" \
    -map "[v]" -c:v rawvideo -pix_fmt yuv420p \
    -color_primaries bt709 -color_trc bt709 -colorspace bt709 -color_range tv \
    "$out"
}

if [ "${1:-}" = ramp ]; then  # only the ramp clips (added after the others were committed)
  make_ramp 128x72 inputs/sdr-ae-128x72.mkv
  make_ramp 128x72 inputs/sdr-ae-closing-128x72.mkv closing
  exit 0
fi
make_clip 128x72 yuv420p 3 3 inputs/sdr-128x72.mkv
make_clip 96x54 yuv420p10le 2 2 inputs/sdr10-96x54.nut
make_ramp 128x72 inputs/sdr-ae-128x72.mkv
make_ramp 128x72 inputs/sdr-ae-closing-128x72.mkv closing
ls -l inputs
