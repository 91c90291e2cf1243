/*
 * reexpose.h — public C API of the reexpose filter (libreexpose.so.0, pkg-config: reexpose).
 *
 * The filter re-exposes SDR video as HDR (PQ / HLG / scene-linear). It follows libavcodec's
 * send/receive contract:
 *
 *   reexpose_filter_create("hlg-broadcast", NULL, 0, &f);
 *   for each decoded frame:
 *       reexpose_filter_send_frame(f, frame);           // caller keeps ownership of frame
 *       while (reexpose_filter_receive_frame(f, out) == 0) { use out; }   // until REEXPOSE_AGAIN
 *   reexpose_filter_send_frame(f, NULL);                // drain (same as reexpose_filter_flush)
 *   while (reexpose_filter_receive_frame(f, out) == 0) { use out; }       // until REEXPOSE_EOF
 *   reexpose_filter_destroy(&f);
 *
 * Every frame sent comes out exactly once, in order, with its pts. Send never returns REEXPOSE_AGAIN
 * (the filter buffers at most its look-ahead window), so both sides can never block each other.
 * Errors are negative codes; reexpose_filter_last_error() gives a one-line message. Bad input never aborts
 * the host process. A filter is not thread-safe; use one per thread. Filters share no settings: each has
 * its own worker-thread count, and several run side by side on different threads. libreexpose sets
 * OpenBLAS to one thread, once, on first use of a learned preset (it parallelises matrix products itself).
 */
#ifndef REEXPOSE_H
#define REEXPOSE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct AVFrame;

/** Opaque filter instance. */
typedef struct ReexposeFilter ReexposeFilter;

/** Return codes. 0 is success; all errors are negative. */
enum ReexposeStatus {
  REEXPOSE_OK = 0,
  REEXPOSE_AGAIN = -1,    /**< receive: no frame ready, send more input */
  REEXPOSE_EOF = -2,      /**< receive: drained, no more frames */
  REEXPOSE_EINVAL = -3,   /**< bad argument (NULL pointer, wrong size, unsupported pixel format) */
  REEXPOSE_EPRESET = -4,  /**< preset not found or invalid, or a bad override */
  REEXPOSE_EFRAME = -5,   /**< frame rejected: geometry changed, corrupt data */
  REEXPOSE_ESTATE = -6,   /**< call out of order (send after drain) */
  REEXPOSE_EINTERNAL = -7, /**< internal failure; the message says what */
  REEXPOSE_EMODEL = -8,    /**< a learned stage's weights file is missing or unusable (the message names it) */
  REEXPOSE_ENOMEM = -9     /**< the memory a frame of this size needs cannot be allocated */
};

/** Planar float frame for callers without libav. Rows are `linesize` bytes apart. */
typedef struct ReexposePlanarFrame {
  int width;               /**< pixels */
  int height;              /**< pixels */
  float *planes[3];        /**< R, G, B planes */
  ptrdiff_t linesize[3];   /**< bytes between rows of each plane */
  int64_t pts;             /**< presentation timestamp, passed through unchanged */
} ReexposePlanarFrame;

/** Library version as 0xMMmmpp. */
unsigned reexpose_version(void);

/** Static description of a status code. */
const char *reexpose_status_string(int status);

/**
 * Creates a filter from a preset name (e.g. "hlg-broadcast") or a YAML file path, with optional
 * "key=value" overrides (as the CLI's --set). On failure *out is NULL and the return value is negative;
 * reexpose_last_create_error() then gives the message. A preset file over 1 MiB or nested deeper than 32
 * levels (file or override) is REEXPOSE_EPRESET before parsing, so a 128 KB thread stack is enough.
 */
int reexpose_filter_create(const char *preset, const char *const *overrides, int override_count,
                           ReexposeFilter **out);

/**
 * Same as reexpose_filter_create, with the filter's own worker-thread count (threads <= 0: all cores).
 * Each filter runs on its own threads setting, so filters with different counts can run side by side on
 * different threads.
 */
int reexpose_filter_create_with_threads(const char *preset, const char *const *overrides, int override_count,
                                        int threads, ReexposeFilter **out);

/** Message of the last failed reexpose_filter_create(_with_threads) on this thread ("" if none). */
const char *reexpose_last_create_error(void);

/** One-line message for the last error of this filter ("" if none). Valid until the next call. */
const char *reexpose_filter_last_error(const ReexposeFilter *filter);

/**
 * Sends one decoded SDR frame (any 8/10-bit YUV or RGB pixel format libswscale knows). NULL drains.
 * The caller keeps ownership. Colour tags on the frame are honoured; untagged means BT.709.
 * REEXPOSE_EINVAL (with a message) for a frame whose sides are not in 1..16384, whose pixel format is
 * unknown, or that lacks a data pointer or a positive linesize wide enough for a plane its format needs.
 * REEXPOSE_ENOMEM when the working memory for frames of its size cannot be allocated (checked before
 * the first frame of each size).
 */
int reexpose_filter_send_frame(ReexposeFilter *filter, const struct AVFrame *frame);

/**
 * Receives one output frame into `out` (unreferenced first, then filled with newly allocated buffers,
 * colour tags and HDR10 side data). REEXPOSE_AGAIN: send more. REEXPOSE_EOF: drained.
 */
int reexpose_filter_receive_frame(ReexposeFilter *filter, struct AVFrame *out);

/**
 * Sends a planar frame of non-linear SDR R'G'B' in 0..1 (BT.709 primaries, the preset's input transfer).
 * NULL drains.
 */
int reexpose_filter_send_planar(ReexposeFilter *filter, const ReexposePlanarFrame *frame);

/**
 * Receives a planar frame of the output signal R'G'B' (PQ / HLG code values in 0..1, or linear light for
 * linear presets) into caller-owned planes of the right size (width/height must match the input).
 * A wrong size returns REEXPOSE_EINVAL and keeps the frame: the next call with the right size gets it.
 */
int reexpose_filter_receive_planar(ReexposeFilter *filter, ReexposePlanarFrame *out);

/**
 * Feeds an event-camera recording (text file: a "width height" line, then "t x y p" per event, t in
 * seconds from the first frame; see README) to the fusion network. Call before the first frame;
 * time_base_num/den is the seconds per pts unit of the frames you will send (they need pts). Needs a preset
 * with fusion (balanced, quality). REEXPOSE_EINVAL for an unreadable file or a preset without fusion.
 */
int reexpose_filter_attach_events(ReexposeFilter *filter, const char *path, int time_base_num, int time_base_den);

/**
 * Conditions the diffusion inpainting (preset quality) on a still of the scene: an OpenEXR or Radiance HDR
 * file (scene-linear) or an SDR image. Any time; it applies from the next frame. REEXPOSE_EINVAL when the
 * file cannot be read or the preset has no diffusion stage.
 */
int reexpose_filter_set_reference(ReexposeFilter *filter, const char *path);

/**
 * 1 if reexpose_filter_send_frame reads frames in this libav pixel format (an enum AVPixelFormat value),
 * else 0: what a host offers in format negotiation (libavfilter's query_formats).
 */
int reexpose_supports_pixel_format(int pixel_format);

/**
 * The libav pixel format (enum AVPixelFormat value) of every frame reexpose_filter_receive_frame returns
 * for this filter's preset, known before the first frame; negative (REEXPOSE_EINVAL) for a NULL filter.
 */
int reexpose_filter_output_pixel_format(const ReexposeFilter *filter);

/**
 * The measured CTA-861.3 light levels of the frames reexpose_filter_receive_frame has returned so far, in cd/m²
 * of the output's display light (the values `reexpose --stats` reports): *max_cll the largest max(R,G,B) of any
 * pixel, *max_fall the largest frame average of max(R,G,B); 0 before the first frame. Unlike the HDR10 side
 * data on each frame (the preset's declared levels), these are measured. Either pointer may be NULL.
 * REEXPOSE_EINVAL for a NULL filter.
 */
int reexpose_filter_content_light(const ReexposeFilter *filter, double *max_cll, double *max_fall);

/** Same as reexpose_filter_send_frame(filter, NULL). */
int reexpose_filter_flush(ReexposeFilter *filter);

/** Writes the x265 "master-display=…:max-cll=…" string for the filter's preset into buf. */
int reexpose_filter_x265_params(const ReexposeFilter *filter, char *buf, size_t size);

/** Destroys the filter and sets *filter to NULL. NULL-safe. */
void reexpose_filter_destroy(ReexposeFilter **filter);

#ifdef __cplusplus
}
#endif

#endif
