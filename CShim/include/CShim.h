/* CShim: what Swift cannot import from libav and OpenBLAS by itself.
 * Thin by design (no stable API): macros become static inline functions, prefixed rx_. */
#ifndef REEXPOSE_CSHIM_H
#define REEXPOSE_CSHIM_H

#include <stdint.h>
#include <stddef.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/opt.h>
#include <libavutil/mastering_display_metadata.h>
#include <libavutil/frame.h>
#include <libavutil/dict.h>
#include <libavutil/mathematics.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
#include <openblas-pthread/cblas.h>

/* The public C API (implemented in Swift by Sources/ReexposeC). */
#include "reexpose.h"

/* libav error macros. */
static inline int rx_averror(int errnum) { return AVERROR(errnum); }
static inline int rx_averror_eof(void) { return AVERROR_EOF; }
static inline int rx_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int rx_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int64_t rx_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational rx_time_base_q(void) { return AV_TIME_BASE_Q; }

/* av_err2str is a macro over a compound literal; this copies the message into buf. */
void rx_error_string(int errnum, char *buf, size_t size);
/** Path of the binary (executable or shared library) containing `address` (dladdr); -1 if unknown. */
int rx_image_path(const void *address, char *buf, size_t size);

/* av_log is variadic: set the level, and silence or keep libav's own messages. */
void rx_set_log_level(int level);

/* glibc's mallopt (malloc.h is not in Swift's Glibc module): the mmap and trim thresholds in bytes. */
void rx_set_malloc_thresholds(int mmap_bytes, int trim_bytes);

/* OpenBLAS threading: NN.Gemm sets one thread, once per process, and never changes it. */
void rx_blas_set_threads(int n);
int rx_blas_get_threads(void);

#endif
