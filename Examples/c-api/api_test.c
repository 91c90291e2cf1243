/* Tests of the C API contract: errors instead of aborts, send/receive/flush, planar frames. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
#include <reexpose.h>

static int passed, failed;
#define CHECK(cond, ...) do { if (cond) passed++; else { failed++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); } } while (0)

static AVFrame *grey_frame(int w, int h, int y, int64_t pts) {
  AVFrame *f = av_frame_alloc();
  f->width = w; f->height = h; f->format = AV_PIX_FMT_YUV420P; f->pts = pts;
  av_frame_get_buffer(f, 0);
  for (int r = 0; r < h; r++) memset(f->data[0] + r * f->linesize[0], y, w);
  for (int r = 0; r < h / 2; r++) { memset(f->data[1] + r * f->linesize[1], 128, w / 2); memset(f->data[2] + r * f->linesize[2], 128, w / 2); }
  return f;
}

static void test_create_errors(void) {
  ReexposeFilter *f = (ReexposeFilter *)0x1;
  CHECK(reexpose_filter_create("no-such-preset", NULL, 0, &f) == REEXPOSE_EPRESET, "unknown preset");
  CHECK(f == NULL, "out cleared on failure");
  CHECK(strstr(reexpose_last_create_error(), "no-such-preset") != NULL, "message names the preset: %s", reexpose_last_create_error());
  CHECK(reexpose_filter_create(NULL, NULL, 0, &f) == REEXPOSE_EINVAL, "NULL preset");
  CHECK(reexpose_filter_create("fast", NULL, 0, NULL) == REEXPOSE_EINVAL, "NULL out");
  const char *bad[] = {"output.peakNits=5"};
  CHECK(reexpose_filter_create("fast", bad, 1, &f) == REEXPOSE_EPRESET, "out-of-range override");
  CHECK(strstr(reexpose_last_create_error(), "output.peakNits") != NULL, "override message: %s", reexpose_last_create_error());
  CHECK(reexpose_filter_send_frame(NULL, NULL) == REEXPOSE_EINVAL, "NULL filter");
  reexpose_filter_destroy(NULL);
  ReexposeFilter *none = NULL;
  reexpose_filter_destroy(&none);
  CHECK(strcmp(reexpose_status_string(REEXPOSE_EOF), "end of stream: the filter is drained") == 0, "status string");
}

static void test_send_receive(const char *preset) {
  ReexposeFilter *f = NULL;
  CHECK(reexpose_filter_create(preset, NULL, 0, &f) == REEXPOSE_OK, "create %s: %s", preset, reexpose_last_create_error());
  if (!f) return;
  AVFrame *out = av_frame_alloc();
  int received = 0;
  int64_t last_pts = -1;
  for (int i = 0; i < 6; i++) {
    AVFrame *in = grey_frame(32, 24, 16 + 40 * i, 100 + i);
    CHECK(reexpose_filter_send_frame(f, in) == REEXPOSE_OK, "send %d: %s", i, reexpose_filter_last_error(f));
    av_frame_free(&in); /* the caller keeps ownership: freeing after send is allowed */
    int rc;
    while ((rc = reexpose_filter_receive_frame(f, out)) == REEXPOSE_OK) {
      CHECK(out->pts == 100 + received, "pts in order: %lld", (long long)out->pts);
      last_pts = out->pts;
      received++;
    }
    CHECK(rc == REEXPOSE_AGAIN, "AGAIN while streaming, got %d", rc);
  }
  CHECK(reexpose_filter_flush(f) == REEXPOSE_OK, "flush");
  int rc;
  while ((rc = reexpose_filter_receive_frame(f, out)) == REEXPOSE_OK) { received++; last_pts = out->pts; }
  CHECK(rc == REEXPOSE_EOF, "EOF after drain, got %d", rc);
  CHECK(received == 6 && last_pts == 105, "%s: 6 frames out, got %d", preset, received);
  AVFrame *late = grey_frame(32, 24, 100, 7);
  CHECK(reexpose_filter_send_frame(f, late) == REEXPOSE_ESTATE, "send after drain is a state error");
  av_frame_free(&late);
  av_frame_free(&out);
  reexpose_filter_destroy(&f);
  CHECK(f == NULL, "destroy clears the pointer");
}

static void test_geometry_change(void) {
  ReexposeFilter *f = NULL;
  reexpose_filter_create("fast", NULL, 0, &f);
  if (!f) { failed++; return; }
  AVFrame *a = grey_frame(32, 24, 120, 0), *b = grey_frame(48, 24, 120, 1), *out = av_frame_alloc();
  CHECK(reexpose_filter_send_frame(f, a) == REEXPOSE_OK, "first frame");
  CHECK(reexpose_filter_send_frame(f, b) == REEXPOSE_EFRAME, "size change rejected");
  CHECK(strstr(reexpose_filter_last_error(f), "32x24") != NULL, "message names the sizes: %s", reexpose_filter_last_error(f));
  reexpose_filter_flush(f);
  int n = 0;
  while (reexpose_filter_receive_frame(f, out) == REEXPOSE_OK) n++;
  CHECK(n == 1, "the frame before the fault still comes out (%d)", n);
  av_frame_free(&a); av_frame_free(&b); av_frame_free(&out);
  reexpose_filter_destroy(&f);
}

static void test_planar(void) {
  ReexposeFilter *f = NULL;
  reexpose_filter_create("static", NULL, 0, &f);
  if (!f) { failed++; return; }
  enum { W = 8, H = 4 };
  float r[W * H], g[W * H], b[W * H], o[3][W * H];
  for (int i = 0; i < W * H; i++) r[i] = g[i] = b[i] = 1.0f; /* SDR white */
  ReexposePlanarFrame in = {W, H, {r, g, b}, {W * 4, W * 4, W * 4}, 42};
  ReexposePlanarFrame out = {W, H, {o[0], o[1], o[2]}, {W * 4, W * 4, W * 4}, 0};
  ReexposePlanarFrame bad = {W, H, {r, NULL, b}, {W * 4, W * 4, W * 4}, 0};
  CHECK(reexpose_filter_send_planar(f, &bad) == REEXPOSE_EINVAL, "NULL plane rejected");
  CHECK(reexpose_filter_send_planar(f, &in) == REEXPOSE_OK, "planar send: %s", reexpose_filter_last_error(f));
  reexpose_filter_flush(f);
  CHECK(reexpose_filter_receive_planar(f, &out) == REEXPOSE_OK, "planar receive: %s", reexpose_filter_last_error(f));
  /* static: SDR white at 203 cd/m² (BT.2408) → PQ ≈ 0.5806. */
  CHECK(out.pts == 42, "planar pts");
  CHECK(o[0][0] > 0.575f && o[0][0] < 0.587f, "SDR white → PQ 0.581, got %f", o[0][0]);
  CHECK(reexpose_filter_receive_planar(f, &out) == REEXPOSE_EOF, "planar EOF");
  reexpose_filter_destroy(&f);
}

static void test_model_errors(void) {
  ReexposeFilter *f = (ReexposeFilter *)0x1;
  const char *missing[] = {"expansion.enabled=false", "fusion.enabled=true", "fusion.model=/nonexistent/rehdr.safetensors"};
  CHECK(reexpose_filter_create("fast", missing, 3, &f) == REEXPOSE_EMODEL, "missing weights: %s", reexpose_last_create_error());
  CHECK(f == NULL, "out cleared on a model error");
  CHECK(strstr(reexpose_last_create_error(), "/nonexistent/rehdr.safetensors") != NULL, "message names the file: %s",
        reexpose_last_create_error());
  char path[] = "/tmp/rx-api-test-XXXXXX";
  int fd = mkstemp(path);
  CHECK(fd >= 0, "temp file");
  if (fd < 0) return;
  FILE *tmp = fdopen(fd, "w");
  fputs("not weights", tmp);
  fclose(tmp);
  char set[300];
  snprintf(set, sizeof set, "fusion.model=%s", path);
  const char *corrupt[] = {"expansion.enabled=false", "fusion.enabled=true", set};
  CHECK(reexpose_filter_create("fast", corrupt, 3, &f) == REEXPOSE_EMODEL, "corrupt weights: %s", reexpose_last_create_error());
  CHECK(strstr(reexpose_last_create_error(), path) != NULL, "message names the file: %s", reexpose_last_create_error());
  CHECK(strcmp(reexpose_status_string(REEXPOSE_EMODEL), "model weights missing or invalid") == 0, "status string");
  unlink(path);
}

/* Events guide the fusion stage of `balanced`; a preset without fusion refuses them. */
static void test_events(void) {
  char path[] = "/tmp/rx-api-events-XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0) { failed++; return; }
  FILE *ev = fdopen(fd, "w");
  fputs("# test events\n32 24\n", ev);
  for (int i = 0; i < 200; i++) fprintf(ev, "%.4f %d %d %d\n", 0.001 * i, i % 32, (i / 32) % 24, i % 3 ? 1 : -1);
  fclose(ev);
  ReexposeFilter *f = NULL;
  CHECK(reexpose_filter_create("fast", NULL, 0, &f) == REEXPOSE_OK, "create fast");
  CHECK(reexpose_filter_attach_events(f, path, 1, 25) == REEXPOSE_EINVAL, "events need fusion");
  CHECK(strstr(reexpose_filter_last_error(f), "fusion") != NULL, "message: %s", reexpose_filter_last_error(f));
  reexpose_filter_destroy(&f);
  CHECK(reexpose_filter_create("balanced", NULL, 0, &f) == REEXPOSE_OK, "create balanced: %s", reexpose_last_create_error());
  if (!f) { unlink(path); return; }
  CHECK(reexpose_filter_attach_events(f, "/nonexistent/events.txt", 1, 25) == REEXPOSE_EINVAL, "missing events file");
  CHECK(strstr(reexpose_filter_last_error(f), "/nonexistent/events.txt") != NULL, "message names the file: %s",
        reexpose_filter_last_error(f));
  CHECK(reexpose_filter_attach_events(f, path, 1, 25) == REEXPOSE_OK, "attach: %s", reexpose_filter_last_error(f));
  CHECK(reexpose_filter_set_reference(f, path) == REEXPOSE_EINVAL, "a reference needs diffusion (and an image)");
  CHECK(strstr(reexpose_filter_last_error(f), path) != NULL || strstr(reexpose_filter_last_error(f), "quality") != NULL,
        "reference message: %s", reexpose_filter_last_error(f));
  AVFrame *out = av_frame_alloc();
  int received = 0;
  for (int i = 0; i < 4; i++) {
    AVFrame *in = grey_frame(32, 24, 60 + 50 * i, i);
    CHECK(reexpose_filter_send_frame(f, in) == REEXPOSE_OK, "send with events %d: %s", i, reexpose_filter_last_error(f));
    av_frame_free(&in);
    while (reexpose_filter_receive_frame(f, out) == REEXPOSE_OK) received++;
  }
  reexpose_filter_flush(f);
  while (reexpose_filter_receive_frame(f, out) == REEXPOSE_OK) received++;
  CHECK(received == 4, "4 frames out with events, got %d", received);
  av_frame_free(&out);
  reexpose_filter_destroy(&f);
  unlink(path);
}

int main(void) {
  test_create_errors();
  test_send_receive("fast");
  test_send_receive("hlg-broadcast");
  test_send_receive("static");
  test_send_receive("balanced");
  test_send_receive("quality");
  test_model_errors();
  test_events();
  test_geometry_change();
  test_planar();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
