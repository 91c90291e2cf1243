/* Four filters on four threads at once, each with its own worker count
 * (reexpose_filter_create_with_threads), give bit for bit what each gives alone. */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libavutil/frame.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <reexpose.h>

enum { W = 96, H = 64, FRAMES = 5, MAX_OUT = 8 };

typedef struct Job {
  const char *preset;
  int threads;           /* side by side (0: all cores) */
  int reference_threads; /* alone: 1, or the same count where the output depends on it (learned presets) */
  int seed;
  int frames;
  const char *override; /* one --set override, or NULL */
  /* results */
  int status;
  char message[256];
  int count;
  int64_t pts[MAX_OUT];
  uint8_t *bytes[MAX_OUT];
  int sizes[MAX_OUT];
} Job;

/* Limited-range BT.709 yuv420p: a gradient per seed, chroma ramps, a clipped disc moving with the frame. */
static AVFrame *make_frame(int seed, int index) {
  AVFrame *f = av_frame_alloc();
  f->width = W; f->height = H; f->format = AV_PIX_FMT_YUV420P; f->pts = index * 40;
  f->color_range = AVCOL_RANGE_MPEG; f->colorspace = AVCOL_SPC_BT709;
  f->color_trc = AVCOL_TRC_BT709; f->color_primaries = AVCOL_PRI_BT709;
  if (av_frame_get_buffer(f, 0) < 0) { av_frame_free(&f); return NULL; }
  int cx = 20 + 9 * seed + 6 * index, cy = 18 + 5 * seed;
  for (int r = 0; r < H; r++)
    for (int c = 0; c < W; c++) {
      int d2 = (c - cx) * (c - cx) + (r - cy) * (r - cy);
      f->data[0][r * f->linesize[0] + c] = (uint8_t)(d2 < 144 ? 235 : 16 + (c * (3 + seed) + r * (2 + seed) + 11 * index) % 210);
    }
  for (int r = 0; r < H / 2; r++)
    for (int c = 0; c < W / 2; c++) {
      f->data[1][r * f->linesize[1] + c] = (uint8_t)(108 + (c * (seed + 1) + index) % 40);
      f->data[2][r * f->linesize[2] + c] = (uint8_t)(100 + (r * (seed + 2) + 3 * index) % 50);
    }
  return f;
}

static void free_results(Job *j) {
  for (int i = 0; i < j->count; i++) free(j->bytes[i]);
  j->count = 0;
}

/* Runs one filter over the job's frames, keeping every output frame packed tightly. */
static void run(Job *j, int threads) {
  free_results(j);
  j->status = 0;
  j->message[0] = 0;
  ReexposeFilter *f = NULL;
  const char *overrides[1] = {j->override};
  int rc = reexpose_filter_create_with_threads(j->preset, j->override ? overrides : NULL, j->override ? 1 : 0, threads, &f);
  if (rc != REEXPOSE_OK) {
    j->status = rc;
    snprintf(j->message, sizeof j->message, "create: %s", reexpose_last_create_error());
    return;
  }
  AVFrame *out = av_frame_alloc();
  for (int i = 0; i <= j->frames && j->status == 0; i++) {
    AVFrame *in = i < j->frames ? make_frame(j->seed, i) : NULL;
    rc = reexpose_filter_send_frame(f, in); /* NULL drains */
    av_frame_free(&in);
    if (rc != REEXPOSE_OK) { j->status = rc; snprintf(j->message, sizeof j->message, "send: %s", reexpose_filter_last_error(f)); break; }
    while ((rc = reexpose_filter_receive_frame(f, out)) == REEXPOSE_OK) {
      if (j->count == MAX_OUT) { j->status = -100; snprintf(j->message, sizeof j->message, "too many frames"); break; }
      int size = av_image_get_buffer_size(out->format, out->width, out->height, 1);
      uint8_t *buf = malloc(size);
      av_image_copy_to_buffer(buf, size, (const uint8_t *const *)out->data, out->linesize, out->format, out->width, out->height, 1);
      j->pts[j->count] = out->pts;
      j->bytes[j->count] = buf;
      j->sizes[j->count] = size;
      j->count++;
    }
    if (j->status == 0 && rc != (i < j->frames ? REEXPOSE_AGAIN : REEXPOSE_EOF)) {
      j->status = rc;
      snprintf(j->message, sizeof j->message, "receive: %d %s", rc, reexpose_filter_last_error(f));
    }
  }
  av_frame_free(&out);
  reexpose_filter_destroy(&f);
}

static pthread_barrier_t start;

static void *side_by_side(void *arg) {
  Job *j = arg;
  pthread_barrier_wait(&start);
  run(j, j->threads);
  return NULL;
}

int main(void) {
  Job jobs[4] = {
    {.preset = "fast", .threads = 3, .reference_threads = 1, .seed = 1, .frames = FRAMES},
    /* diffusion at full resolution: the disc spans two 64x64 tiles, run side by side in one-worker contexts */
    {.preset = "quality", .threads = 2, .reference_threads = 2, .seed = 2, .frames = 2, .override = "diffusion.workingScale=1"},
    {.preset = "hlg-broadcast", .threads = 2, .reference_threads = 1, .seed = 3, .frames = FRAMES},
    {.preset = "balanced", .threads = 3, .reference_threads = 3, .seed = 4, .frames = FRAMES},
  };
  Job alone[4];
  int failed = 0;
  for (int k = 0; k < 4; k++) {
    alone[k] = jobs[k];
    run(&alone[k], alone[k].reference_threads);
    if (alone[k].status) { fprintf(stderr, "threads_test: FAIL %s alone: %s\n", alone[k].preset, alone[k].message); failed++; }
  }
  pthread_barrier_init(&start, NULL, 4);
  pthread_t t[4];
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 8 << 20);
  for (int k = 0; k < 4; k++) pthread_create(&t[k], &attr, side_by_side, &jobs[k]);
  for (int k = 0; k < 4; k++) pthread_join(t[k], NULL);
  pthread_barrier_destroy(&start);
  for (int k = 0; k < 4; k++) {
    Job *a = &alone[k], *b = &jobs[k];
    if (b->status) { fprintf(stderr, "threads_test: FAIL %s side by side: %s\n", b->preset, b->message); failed++; continue; }
    if (a->count != b->frames || b->count != b->frames) {
      fprintf(stderr, "threads_test: FAIL %s: %d frames alone, %d side by side, want %d\n", b->preset, a->count, b->count, b->frames);
      failed++;
      continue;
    }
    for (int i = 0; i < b->count; i++)
      if (a->pts[i] != b->pts[i] || a->sizes[i] != b->sizes[i] || memcmp(a->bytes[i], b->bytes[i], a->sizes[i]) != 0) {
        fprintf(stderr, "threads_test: FAIL %s frame %d: side by side (%d threads) differs from alone (%d)\n", b->preset, i, b->threads, a->reference_threads);
        failed++;
      }
  }
  if (alone[0].count && alone[2].count && alone[0].sizes[0] == alone[2].sizes[0] && memcmp(alone[0].bytes[0], alone[2].bytes[0], alone[0].sizes[0]) == 0) {
    fprintf(stderr, "threads_test: FAIL different contents gave the same frame\n");
    failed++;
  }
  for (int k = 0; k < 4; k++) { free_results(&alone[k]); free_results(&jobs[k]); }
  if (failed) return 1;
  printf("c-api: 4 filters (fast, quality, hlg-broadcast, balanced) on 4 threads with their own thread counts match each run alone\n");
  return 0;
}
