/*
 * reexpose_example: re-expose the video of any file libavformat can read, through libreexpose,
 * writing raw output frames (the preset's pixel format) to a file.
 *
 *   cc reexpose_example.c $(pkg-config --cflags --libs reexpose libavformat libavcodec libavutil)
 *   ./a.out hlg-broadcast in.mp4 out.yuv
 */
#include <stdio.h>
#include <stdlib.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <reexpose.h>

static int write_frame(FILE *out, const AVFrame *f) {
  int size = av_image_get_buffer_size(f->format, f->width, f->height, 1);
  uint8_t *buf = av_malloc(size);
  if (!buf) return -1;
  av_image_copy_to_buffer(buf, size, (const uint8_t *const *)f->data, f->linesize, f->format, f->width, f->height, 1);
  size_t n = fwrite(buf, 1, size, out);
  av_free(buf);
  return n == (size_t)size ? 0 : -1;
}

/* Receives every ready frame; returns frames written or a negative status. */
static int drain_ready(ReexposeFilter *filter, AVFrame *out, FILE *file, long *written) {
  for (;;) {
    int rc = reexpose_filter_receive_frame(filter, out);
    if (rc == REEXPOSE_AGAIN || rc == REEXPOSE_EOF) return rc;
    if (rc < 0) return rc;
    if (write_frame(file, out) < 0) return REEXPOSE_EINTERNAL;
    if (*written == 0) {
      fprintf(stderr, "first output frame: %dx%d %s, trc=%s, primaries=%s, side data=%d, pts=%lld\n", out->width,
              out->height, av_get_pix_fmt_name(out->format), av_color_transfer_name(out->color_trc),
              av_color_primaries_name(out->color_primaries), out->nb_side_data, (long long)out->pts);
    }
    (*written)++;
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s PRESET INPUT OUTPUT.raw\n", argv[0]);
    return 64;
  }
  ReexposeFilter *filter = NULL;
  int rc = reexpose_filter_create(argv[1], NULL, 0, &filter);
  if (rc < 0) {
    fprintf(stderr, "reexpose: %s\n", reexpose_last_create_error());
    return 78;
  }
  AVFormatContext *fmt = NULL;
  if (avformat_open_input(&fmt, argv[2], NULL, NULL) < 0 || avformat_find_stream_info(fmt, NULL) < 0) {
    fprintf(stderr, "cannot open %s\n", argv[2]);
    return 66;
  }
  int vs = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
  if (vs < 0) return 65;
  const AVCodec *codec = avcodec_find_decoder(fmt->streams[vs]->codecpar->codec_id);
  AVCodecContext *dec = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(dec, fmt->streams[vs]->codecpar);
  if (avcodec_open2(dec, codec, NULL) < 0) return 65;

  FILE *file = fopen(argv[3], "wb");
  if (!file) return 73;
  AVPacket *pkt = av_packet_alloc();
  AVFrame *in = av_frame_alloc(), *out = av_frame_alloc();
  long sent = 0, written = 0;
  int status = 0;
  while (av_read_frame(fmt, pkt) >= 0 && status == 0) {
    if (pkt->stream_index == vs && avcodec_send_packet(dec, pkt) >= 0) {
      while (avcodec_receive_frame(dec, in) >= 0) {
        if ((rc = reexpose_filter_send_frame(filter, in)) < 0) {
          fprintf(stderr, "reexpose: %s\n", reexpose_filter_last_error(filter));
          status = 65;
          break;
        }
        sent++;
        rc = drain_ready(filter, out, file, &written);
        if (rc != REEXPOSE_AGAIN) { status = 70; break; }
      }
    }
    av_packet_unref(pkt);
  }
  avcodec_send_packet(dec, NULL);
  while (status == 0 && avcodec_receive_frame(dec, in) >= 0) {
    if (reexpose_filter_send_frame(filter, in) < 0) { status = 65; break; }
    sent++;
    if (drain_ready(filter, out, file, &written) != REEXPOSE_AGAIN) status = 70;
  }
  /* Drain: every frame sent comes out, even after an error. */
  reexpose_filter_flush(filter);
  rc = drain_ready(filter, out, file, &written);
  if (rc != REEXPOSE_EOF && status == 0) status = 70;
  char x265[512];
  if (reexpose_filter_x265_params(filter, x265, sizeof x265) == 0) fprintf(stderr, "x265: %s\n", x265);
  fprintf(stderr, "sent %ld frames, received %ld\n", sent, written);
  fclose(file);
  av_frame_free(&in);
  av_frame_free(&out);
  av_packet_free(&pkt);
  avcodec_free_context(&dec);
  avformat_close_input(&fmt);
  reexpose_filter_destroy(&filter);
  return status != 0 ? status : (sent == written ? 0 : 70);
}
