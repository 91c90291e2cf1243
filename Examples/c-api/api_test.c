/* Tests of the C API contract: errors instead of aborts, send/receive/flush, planar frames. */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <limits.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
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

/* What a host negotiates before the first frame: the formats read and the format written. */
static void test_formats(void) {
  CHECK(reexpose_supports_pixel_format(AV_PIX_FMT_YUV420P) == 1, "yuv420p read");
  CHECK(reexpose_supports_pixel_format(AV_PIX_FMT_YUV422P10LE) == 1, "yuv422p10le read");
  CHECK(reexpose_supports_pixel_format(AV_PIX_FMT_PAL8) == 0, "pal8 not read");
  CHECK(reexpose_supports_pixel_format(AV_PIX_FMT_VAAPI) == 0, "hardware frames not read");
  CHECK(reexpose_supports_pixel_format(-1) == 0 && reexpose_supports_pixel_format(INT_MAX) == 0, "out-of-range format");
  CHECK(reexpose_filter_output_pixel_format(NULL) == REEXPOSE_EINVAL, "NULL filter has no output format");
  ReexposeFilter *f = NULL;
  reexpose_filter_create("hdr10-pq", NULL, 0, &f);
  CHECK(f && reexpose_filter_output_pixel_format(f) == AV_PIX_FMT_YUV420P10LE, "hdr10-pq writes yuv420p10le");
  reexpose_filter_destroy(&f);
  reexpose_filter_create("linear-exr", NULL, 0, &f);
  CHECK(f && reexpose_filter_output_pixel_format(f) == AV_PIX_FMT_GBRPF32LE, "linear-exr writes gbrpf32le");
  reexpose_filter_destroy(&f);
  const char *set[] = {"output.pixelFormat=yuv422p12le"};
  reexpose_filter_create("hdr10-pq", set, 1, &f);
  CHECK(f && reexpose_filter_output_pixel_format(f) == AV_PIX_FMT_YUV422P12LE, "override changes the output format");
  reexpose_filter_destroy(&f);
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
  /* Measured levels: grey frames up to Y' 216 give some light, and the frame average never exceeds the peak. */
  double cll = -1, fall = -1;
  CHECK(reexpose_filter_content_light(f, &cll, &fall) == REEXPOSE_OK, "content light");
  CHECK(cll > 0 && fall > 0 && fall <= cll, "%s: measured MaxCLL %f, MaxFALL %f", preset, cll, fall);
  CHECK(reexpose_filter_content_light(f, NULL, NULL) == REEXPOSE_OK, "NULL outputs allowed");
  CHECK(reexpose_filter_content_light(NULL, &cll, &fall) == REEXPOSE_EINVAL, "NULL filter has no levels");
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
  ReexposePlanarFrame huge = {W, H, {r, g, b}, {PTRDIFF_MAX / 2, W * 4, W * 4}, 0};
  CHECK(reexpose_filter_send_planar(f, &huge) == REEXPOSE_EINVAL, "overflowing linesize rejected");
  ReexposePlanarFrame big = {INT_MAX, INT_MAX, {r, g, b}, {W * 4, W * 4, W * 4}, 0};
  CHECK(reexpose_filter_send_planar(f, &big) == REEXPOSE_EINVAL, "INT_MAX sides rejected");
  CHECK(reexpose_filter_send_planar(f, &in) == REEXPOSE_OK, "planar send: %s", reexpose_filter_last_error(f));
  reexpose_filter_flush(f);
  /* A wrong-size buffer is refused and the frame is kept for the next call. */
  ReexposePlanarFrame small = {W / 2, H, {o[0], o[1], o[2]}, {W * 4, W * 4, W * 4}, 0};
  CHECK(reexpose_filter_receive_planar(f, &small) == REEXPOSE_EINVAL, "wrong-size planar buffer rejected");
  CHECK(strstr(reexpose_filter_last_error(f), "kept") != NULL, "message: %s", reexpose_filter_last_error(f));
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


/* Frames a C host may get wrong: each is REEXPOSE_EINVAL with a message, never a crash, and the filter
 * still works afterwards. */
static void test_bad_frames(void) {
  ReexposeFilter *f = NULL;
  reexpose_filter_create("fast", NULL, 0, &f);
  if (!f) { failed++; return; }
  AVFrame *good = grey_frame(32, 24, 120, 0), *out = av_frame_alloc();
  AVFrame b;
#define BAD(stmt, text, msg) do { b = *good; stmt; \
    int rc_ = reexpose_filter_send_frame(f, &b); \
    CHECK(rc_ == REEXPOSE_EINVAL, "%s: want EINVAL, got %d (%s)", text, rc_, reexpose_filter_last_error(f)); \
    CHECK(strstr(reexpose_filter_last_error(f), msg) != NULL, "%s: message %s", text, reexpose_filter_last_error(f)); \
  } while (0)
  BAD(b.data[0] = NULL, "NULL data[0]", "data[0]");
  BAD(b.data[1] = NULL, "NULL data[1]", "data[1]");
  BAD(b.data[2] = NULL, "NULL data[2]", "data[2]");
  BAD(b.width = -32, "negative width", "size");
  BAD(b.height = 0, "zero height", "size");
  BAD((b.width = 1 << 20, b.height = 1 << 20), "1M x 1M", "limited");
  BAD((b.width = INT_MAX, b.height = INT_MAX), "INT_MAX sides", "limited");
  BAD(b.width = INT_MAX, "INT_MAX width", "limited");
  BAD(b.linesize[0] = 8, "linesize below the width", "linesize[0]");
  BAD(b.linesize[0] = -b.linesize[0], "negative linesize", "linesize[0]");
  BAD(b.linesize[2] = 0, "zero chroma linesize", "linesize[2]");
  BAD(b.linesize[1] = 8, "chroma linesize below the chroma width", "linesize[1]");
  BAD(b.format = -1, "format NONE", "format");
  BAD(b.format = 100000, "format out of range", "format");
#undef BAD
  CHECK(reexpose_filter_send_frame(f, good) == REEXPOSE_OK, "a good frame after bad ones: %s", reexpose_filter_last_error(f));
  reexpose_filter_flush(f);
  int n = 0;
  while (reexpose_filter_receive_frame(f, out) == REEXPOSE_OK) n++;
  CHECK(n == 1, "the good frame comes out (%d)", n);
  av_frame_free(&good); av_frame_free(&out);
  reexpose_filter_destroy(&f);
}

/* Child process (`api_test enomem`): under an address-space limit a frame too large for it is
 * REEXPOSE_ENOMEM, not an abort. Exits 0 when it is. */
static int child_enomem(void) {
  ReexposeFilter *f = NULL;
  if (reexpose_filter_create("fast", NULL, 0, &f) != REEXPOSE_OK) return 2;
  AVFrame *big = grey_frame(4096, 2160, 120, 0);
  long pages = 0;
  FILE *statm = fopen("/proc/self/statm", "r");
  if (!statm || fscanf(statm, "%ld", &pages) != 1) return 3;
  fclose(statm);
  struct rlimit lim = {(rlim_t)pages * sysconf(_SC_PAGESIZE) + (256u << 20), RLIM_INFINITY};
  lim.rlim_max = lim.rlim_cur;
  if (setrlimit(RLIMIT_AS, &lim) != 0) return 4;
  int rc = reexpose_filter_send_frame(f, big);
  fprintf(stderr, "api_test enomem: status %d: %s\n", rc, reexpose_filter_last_error(f));
  if (rc != REEXPOSE_ENOMEM) return 5;
  if (!strstr(reexpose_filter_last_error(f), "memory")) return 6;
  if (strcmp(reexpose_status_string(REEXPOSE_ENOMEM), "out of memory") != 0) return 7;
  return 0;
}

extern char **environ;

static void test_out_of_memory(void) {
  char *argv[] = {"api_test", "enomem", NULL};
  pid_t pid;
  CHECK(posix_spawn(&pid, "/proc/self/exe", NULL, NULL, argv, environ) == 0, "spawn");
  int st = 0;
  waitpid(pid, &st, 0);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "under a memory limit: ENOMEM, not a crash (%s %d)",
        WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

/* Deeply nested YAML, as a preset file and as an override, on a thread with a 256 KB stack: a preset
 * error, not a stack overflow. A normal preset still loads on a 128 KB stack. */
struct create_job { const char *preset; const char *const *overrides; int count; int rc; char message[16384]; };

static void *create_on_thread(void *arg) {
  struct create_job *job = arg;
  ReexposeFilter *f = NULL;
  job->rc = reexpose_filter_create(job->preset, job->overrides, job->count, &f);
  snprintf(job->message, sizeof job->message, "%s", reexpose_last_create_error());
  reexpose_filter_destroy(&f);
  return NULL;
}

static int create_with_stack(size_t stack, struct create_job *job) {
  pthread_attr_t attr;
  pthread_t t;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack);
  int rc = pthread_create(&t, &attr, create_on_thread, job);
  pthread_attr_destroy(&attr);
  if (rc != 0) return rc;
  return pthread_join(t, NULL);
}

static void test_deep_nesting(void) {
  enum { LEVELS = 5000 };
  static char deep[2 * LEVELS + 64];
  char *p = deep;
  p += sprintf(p, "version: 2\ndescription: ");
  for (int i = 0; i < LEVELS; i++) *p++ = '[';
  for (int i = 0; i < LEVELS; i++) *p++ = ']';
  *p++ = '\n';
  *p = 0;
  char path[] = "/tmp/rx-api-deep-XXXXXX.yaml";
  int fd = mkstemps(path, 5);
  if (fd < 0) { failed++; return; }
  FILE *tmp = fdopen(fd, "w");
  fputs(deep, tmp);
  fclose(tmp);
  struct create_job job = {path, NULL, 0, 0, ""};
  CHECK(create_with_stack(256 << 10, &job) == 0, "thread");
  CHECK(job.rc == REEXPOSE_EPRESET, "5000 levels in a file: EPRESET, got %d (%s)", job.rc, job.message);
  CHECK(strstr(job.message, "nested deeper") != NULL && strstr(job.message, path) != NULL, "message: %s", job.message);
  unlink(path);
  static char set[2 * LEVELS + 64];
  snprintf(set, sizeof set, "output.peakNits=%s", deep + strlen("version: 2\ndescription: "));
  const char *overrides[] = {set};
  struct create_job over = {"fast", overrides, 1, 0, ""};
  CHECK(create_with_stack(256 << 10, &over) == 0, "thread");
  CHECK(over.rc == REEXPOSE_EPRESET, "5000 levels in an override: EPRESET, got %d (%s)", over.rc, over.message);
  CHECK(strstr(over.message, "nested deeper") != NULL, "message: %s", over.message);
  /* At the limit (31 flow levels under a block key: 32) the parser runs, on a 128 KB stack. */
  char limit[128];
  p = limit + sprintf(limit, "output.peakNits=");
  for (int i = 0; i < 31; i++) *p++ = '[';
  for (int i = 0; i < 31; i++) *p++ = ']';
  *p = 0;
  const char *at_limit[] = {limit};
  struct create_job near = {"fast", at_limit, 1, 0, ""};
  CHECK(create_with_stack(128 << 10, &near) == 0, "thread");
  CHECK(near.rc == REEXPOSE_EPRESET && strstr(near.message, "nested") == NULL, "31 levels parse: %d (%s)", near.rc, near.message);
  struct create_job fast = {"fast", NULL, 0, 0, ""};
  CHECK(create_with_stack(128 << 10, &fast) == 0, "thread");
  CHECK(fast.rc == REEXPOSE_OK, "fast on a 128 KB stack: %d (%s)", fast.rc, fast.message);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "enomem") == 0) return child_enomem();
  test_create_errors();
  test_formats();
  test_send_receive("fast");
  test_send_receive("hlg-broadcast");
  test_send_receive("static");
  test_send_receive("balanced");
  test_send_receive("quality");
  test_model_errors();
  test_events();
  test_geometry_change();
  test_planar();
  test_bad_frames();
  test_out_of_memory();
  test_deep_nesting();
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
