/*
 * reexpose filter: re-exposes SDR video as HDR (PQ, HLG, scene-linear) through libreexpose.
 *
 * libreexpose does the work (its C API: reexpose.h); this file only adapts it to libavfilter, the way
 * vf_zscale adapts zimg. The library follows libavcodec's send/receive contract and holds back up to its
 * preset's look-ahead window, so frames leave later than they arrive: the properties of each input frame
 * wait in a FIFO until its output comes back (one out per in, in order), and EOF drains the library.
 *
 * ffmpeg 5.1 runs decoding, filtering and encoding one after the other on one thread, so with pipeline=1 a
 * worker thread runs each frame's library calls (a "job") while ffmpeg decodes the next frame and encodes
 * the previous output. Hand-off is synchronous inside activate(): a new frame first waits for the job in
 * flight, whose outputs are then passed on, and only then becomes the next job. So exactly one thread calls
 * into the ReexposeFilter at any time (the mutex orders them), and every libavfilter call stays on the
 * thread running activate().
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <reexpose.h>

#include "libavutil/avstring.h"
#include "libavutil/fifo.h"
#include "libavutil/frame.h"
#include "libavutil/opt.h"
#include "libavutil/pixdesc.h"
#include "libavutil/thread.h"

#include "avfilter.h"
#include "filters.h"
#include "formats.h"
#include "internal.h"
#include "video.h"

typedef struct ReexposeContext {
    const AVClass *class;

    char *preset;
    char *set;
    char *events;
    char *reference;
    int threads;
    int pipeline;
    char *stats;

    ReexposeFilter *rx;
    /** Frames passed downstream, for the stats file. */
    int64_t frames_out;
    /** Properties (no data) of the frames sent and not yet received, oldest first. */
    AVFifo *pending;

    /* The job: the worker's while busy is set, the filter thread's otherwise. */
    int job_started;     ///< a job ran or runs whose results have not been passed on
    AVFrame *job_in;     ///< the frame to send, freed once sent; NULL drains
    AVFrame *job_props;  ///< its properties, queued in pending once the library accepted it
    int job_sent;        ///< the library accepted job_in
    int job_status;      ///< libreexpose status of the call that failed, 0 if none
    const char *job_step; ///< what failed, for the log
    int job_err;         ///< AVERROR of the job's own bookkeeping (allocation)
    AVFifo *done;        ///< frames the library finished, oldest first

    int worker_running;
    pthread_t worker;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int busy;            ///< under lock: a job is handed to the worker and not finished
    int quit;            ///< under lock: the worker ends without running another job
} ReexposeContext;

#define OFFSET(x) offsetof(ReexposeContext, x)
#define FLAGS AV_OPT_FLAG_FILTERING_PARAM | AV_OPT_FLAG_VIDEO_PARAM

static const AVOption reexpose_options[] = {
    { "preset",    "preset name or YAML file",                   OFFSET(preset),    AV_OPT_TYPE_STRING, { .str = "hlg-broadcast" }, 0, 0, FLAGS },
    { "set",       "'|'-separated key=value preset overrides",   OFFSET(set),       AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "events",    "event-camera recording for the fusion stage", OFFSET(events),   AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "reference", "HDR or SDR still conditioning the diffusion stage", OFFSET(reference), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "threads",   "worker threads (0: all cores)",              OFFSET(threads),   AV_OPT_TYPE_INT,    { .i64 = 0 }, 0, 1024, FLAGS },
    { "pipeline",  "process one frame on a thread of its own while ffmpeg decodes and encodes", OFFSET(pipeline), AV_OPT_TYPE_INT,  { .i64 = 0 }, 0, 1, FLAGS },
    { "stats",     "JSON file written at the end of the input: frames and measured MaxCLL/MaxFALL", OFFSET(stats), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { NULL }
};

AVFILTER_DEFINE_CLASS(reexpose);

/* The one error path: the library's message in the log, its status as an AVERROR code. */
static int rx_error(AVFilterContext *ctx, int status, const char *what, const char *message)
{
    av_log(ctx, AV_LOG_ERROR, "%s: %s\n", what,
           message && *message ? message : reexpose_status_string(status));
    switch (status) {
    case REEXPOSE_EINVAL:
    case REEXPOSE_EPRESET:   return AVERROR(EINVAL);
    case REEXPOSE_EFRAME:    return AVERROR_INVALIDDATA;
    case REEXPOSE_EMODEL:    return AVERROR(ENOENT);
    case REEXPOSE_ENOMEM:    return AVERROR(ENOMEM);
    case REEXPOSE_ESTATE:    return AVERROR_BUG;
    default:                 return AVERROR_EXTERNAL;
    }
}

static int filter_error(AVFilterContext *ctx, int status, const char *what)
{
    ReexposeContext *s = ctx->priv;
    return rx_error(ctx, status, what, reexpose_filter_last_error(s->rx));
}

/* One job, on whichever thread owns the library now: sends the job's frame (none: drains) and collects
 * every frame the library finishes. A failure is only recorded; the filter thread reports it. */
static void run_job(ReexposeContext *s)
{
    const char *step = s->job_in ? "frame rejected" : "drain";
    int ret = s->job_in ? reexpose_filter_send_frame(s->rx, s->job_in) : reexpose_filter_flush(s->rx);

    av_frame_free(&s->job_in);
    if (ret < 0) {
        s->job_status = ret;
        s->job_step   = step;
        return;
    }
    s->job_sent = 1;
    for (;;) {
        AVFrame *out = av_frame_alloc();

        if (!out) {
            s->job_err = AVERROR(ENOMEM);
            return;
        }
        ret = reexpose_filter_receive_frame(s->rx, out);
        if (ret == REEXPOSE_AGAIN || ret == REEXPOSE_EOF) {
            av_frame_free(&out);
            return;
        }
        if (ret < 0) {
            av_frame_free(&out);
            s->job_status = ret;
            s->job_step   = "processing failed";
            return;
        }
        if ((ret = av_fifo_write(s->done, &out, 1)) < 0) {
            av_frame_free(&out);
            s->job_err = ret;
            return;
        }
    }
}

static void *worker_main(void *arg)
{
    ReexposeContext *s = arg;

    pthread_mutex_lock(&s->lock);
    for (;;) {
        while (!s->busy && !s->quit)
            pthread_cond_wait(&s->cond, &s->lock);
        if (s->quit)
            break;
        pthread_mutex_unlock(&s->lock);
        run_job(s);
        pthread_mutex_lock(&s->lock);
        s->busy = 0;
        pthread_cond_broadcast(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static av_cold int start_worker(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;
    int ret;

    if ((ret = pthread_mutex_init(&s->lock, NULL)))
        return AVERROR(ret);
    if ((ret = pthread_cond_init(&s->cond, NULL))) {
        pthread_mutex_destroy(&s->lock);
        return AVERROR(ret);
    }
    if ((ret = pthread_create(&s->worker, NULL, worker_main, s))) {
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        return AVERROR(ret);
    }
    s->worker_running = 1;
    return 0;
}

static av_cold int init(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;
    const char **overrides = NULL;
    char *list = NULL, *item, *save = NULL;
    int count = 0, ret;

    if (!s->preset || !*s->preset) {
        av_log(ctx, AV_LOG_ERROR, "preset is empty\n");
        return AVERROR(EINVAL);
    }
    /* `set` is one option string, because ':' and ',' already mean something in a filter graph. */
    if (s->set && *s->set) {
        list = av_strdup(s->set);
        overrides = av_calloc(strlen(s->set) / 2 + 1, sizeof(*overrides));
        if (!list || !overrides) {
            ret = AVERROR(ENOMEM);
            goto end;
        }
        for (item = av_strtok(list, "|", &save); item; item = av_strtok(NULL, "|", &save))
            overrides[count++] = item;
    }

    ret = reexpose_filter_create_with_threads(s->preset, overrides, count, s->threads, &s->rx);
    if (ret < 0) {
        ret = rx_error(ctx, ret, "cannot create the filter", reexpose_last_create_error());
        goto end;
    }
    if (s->reference && (ret = reexpose_filter_set_reference(s->rx, s->reference)) < 0) {
        ret = filter_error(ctx, ret, "reference");
        goto end;
    }
    s->pending = av_fifo_alloc2(8, sizeof(AVFrame *), AV_FIFO_FLAG_AUTO_GROW);
    s->done    = av_fifo_alloc2(8, sizeof(AVFrame *), AV_FIFO_FLAG_AUTO_GROW);
    if (!s->pending || !s->done) {
        ret = AVERROR(ENOMEM);
        goto end;
    }
    if (s->pipeline)
        ret = start_worker(ctx);

end:
    av_free(overrides);
    av_free(list);
    return ret;
}

/* Input: every pixel format libreexpose reads; output: the one its preset writes. */
static int query_formats(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;
    AVFilterFormats *in = NULL, *out = NULL;
    const AVPixFmtDescriptor *desc = NULL;
    int ret, format = reexpose_filter_output_pixel_format(s->rx);

    if (format < 0)
        return filter_error(ctx, format, "output format");
    while ((desc = av_pix_fmt_desc_next(desc))) {
        enum AVPixelFormat f = av_pix_fmt_desc_get_id(desc);
        if (reexpose_supports_pixel_format(f) && (ret = ff_add_format(&in, f)) < 0)
            return ret;
    }
    if ((ret = ff_formats_ref(in, &ctx->inputs[0]->outcfg.formats)) < 0)
        return ret;
    if ((ret = ff_add_format(&out, format)) < 0)
        return ret;
    return ff_formats_ref(out, &ctx->outputs[0]->incfg.formats);
}

static int config_input(AVFilterLink *inlink)
{
    AVFilterContext *ctx = inlink->dst;
    ReexposeContext *s = ctx->priv;
    int ret;

    /* Events are timed in seconds; the library needs the pts clock of the frames to come. */
    if (s->events && (ret = reexpose_filter_attach_events(s->rx, s->events,
                                                         inlink->time_base.num, inlink->time_base.den)) < 0)
        return filter_error(ctx, ret, "events");
    return 0;
}

/* Side data describing the SDR signal or its colour, which the HDR output replaces or invalidates. */
static const enum AVFrameSideDataType replaced_side_data[] = {
    AV_FRAME_DATA_MASTERING_DISPLAY_METADATA, AV_FRAME_DATA_CONTENT_LIGHT_LEVEL, AV_FRAME_DATA_ICC_PROFILE,
    AV_FRAME_DATA_DYNAMIC_HDR_PLUS, AV_FRAME_DATA_DYNAMIC_HDR_VIVID, AV_FRAME_DATA_DOVI_RPU_BUFFER,
    AV_FRAME_DATA_DOVI_METADATA, AV_FRAME_DATA_FILM_GRAIN_PARAMS,
};

/* Starts a job for a frame (taking it) or, with NULL, the drain: on the worker with pipeline=1 (the call
 * returns at once), else right here. */
static int start_job(AVFilterContext *ctx, AVFrame *in)
{
    ReexposeContext *s = ctx->priv;

    if (in) {
        int ret;

        if (!(s->job_props = av_frame_alloc())) {
            av_frame_free(&in);
            return AVERROR(ENOMEM);
        }
        if ((ret = av_frame_copy_props(s->job_props, in)) < 0) {
            av_frame_free(&s->job_props);
            av_frame_free(&in);
            return ret;
        }
        for (int i = 0; i < FF_ARRAY_ELEMS(replaced_side_data); i++)
            av_frame_remove_side_data(s->job_props, replaced_side_data[i]);
    }
    s->job_in      = in;
    s->job_sent    = 0;
    s->job_status  = 0;
    s->job_err     = 0;
    s->job_started = 1;
    if (!s->worker_running) {
        run_job(s);
        return 0;
    }
    pthread_mutex_lock(&s->lock);
    s->busy = 1;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    return 0;
}

/* Waits for the job in flight, then passes on every frame it finished (the input's properties, the
 * output's colour) and returns its error, if any. */
static int finish_job(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;
    AVFilterLink *outlink = ctx->outputs[0];
    AVFrame *out;
    int ret;

    if (!s->job_started)
        return 0;
    if (s->worker_running) {
        pthread_mutex_lock(&s->lock);
        while (s->busy)
            pthread_cond_wait(&s->cond, &s->lock);
        pthread_mutex_unlock(&s->lock);
    }
    s->job_started = 0;
    if (s->job_props && s->job_sent) {
        if ((ret = av_fifo_write(s->pending, &s->job_props, 1)) < 0)
            return ret;
        s->job_props = NULL;
    }
    av_frame_free(&s->job_props);

    while (av_fifo_read(s->done, &out, 1) >= 0) {
        AVFrame *props;
        enum AVColorPrimaries primaries;
        enum AVColorTransferCharacteristic trc;
        enum AVColorSpace space;
        enum AVColorRange range;
        enum AVChromaLocation location;

        if (av_fifo_read(s->pending, &props, 1) < 0) {
            av_frame_free(&out);
            av_log(ctx, AV_LOG_ERROR, "libreexpose returned more frames than it was sent\n");
            return AVERROR_BUG;
        }
        primaries = out->color_primaries;
        trc       = out->color_trc;
        space     = out->colorspace;
        range     = out->color_range;
        location  = out->chroma_location;
        /* Adds the input's remaining side data to the preset's mastering display and light level. */
        ret = av_frame_copy_props(out, props);
        av_frame_free(&props);
        if (ret < 0) {
            av_frame_free(&out);
            return ret;
        }
        out->color_primaries = primaries;
        out->color_trc       = trc;
        out->colorspace      = space;
        out->color_range     = range;
        out->chroma_location = location;
        if ((ret = ff_filter_frame(outlink, out)) < 0)
            return ret;
        s->frames_out++;
    }
    if (s->job_status < 0)
        return filter_error(ctx, s->job_status, s->job_step);
    return s->job_err;
}

/* The stats file (`reexpose --stats` fields a host needs to check a run: frames and the measured light levels),
 * written only once the input has ended and every frame has left, so its presence means a complete stream. */
static int write_stats(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;
    double cll = 0, fall = 0;
    FILE *f;
    int ret = reexpose_filter_content_light(s->rx, &cll, &fall);

    if (ret < 0)
        return filter_error(ctx, ret, "stats");
    if ((f = fopen(s->stats, "w"))) {
        fprintf(f, "{\"frames\": %"PRId64", \"maxCLL\": %.17g, \"maxFALL\": %.17g}\n", s->frames_out, cll, fall);
        if (fclose(f) == 0)
            return 0;
    }
    ret = AVERROR(errno);
    av_log(ctx, AV_LOG_ERROR, "cannot write the stats file %s: %s\n", s->stats, av_err2str(ret));
    return ret;
}

static int activate(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;
    AVFilterLink *inlink = ctx->inputs[0], *outlink = ctx->outputs[0];
    AVFrame *in;
    int64_t pts;
    int ret, status;

    FF_FILTER_FORWARD_STATUS_BACK(outlink, inlink);

    ret = ff_inlink_consume_frame(inlink, &in);
    if (ret < 0)
        return ret;
    if (ret > 0) {
        /* The previous frame's outputs go out before this frame becomes the job. */
        if ((ret = finish_job(ctx)) < 0) {
            av_frame_free(&in);
            return ret;
        }
        if ((ret = start_job(ctx, in)) < 0)
            return ret;
        if (!s->worker_running && (ret = finish_job(ctx)) < 0)
            return ret;
        /* Come back at once: more input may be queued, or (while the look-ahead window fills or the worker
         * runs) no frame came out and the request downstream must be passed on upstream. */
        ff_filter_set_ready(ctx, 100);
        return 0;
    }

    if (ff_inlink_acknowledge_status(inlink, &status, &pts)) {
        /* Drain the look-ahead window: the held frames come out before the end. */
        if ((ret = finish_job(ctx)) < 0 ||
            (ret = start_job(ctx, NULL)) < 0 || (ret = finish_job(ctx)) < 0)
            return ret;
        if (s->stats && *s->stats && (ret = write_stats(ctx)) < 0)
            return ret;
        ff_outlink_set_status(outlink, status, pts);
        return 0;
    }

    FF_FILTER_FORWARD_WANTED(outlink, inlink);
    return FFERROR_NOT_READY;
}

static void free_frames(AVFifo **fifo)
{
    AVFrame *frame;

    while (*fifo && av_fifo_read(*fifo, &frame, 1) >= 0)
        av_frame_free(&frame);
    av_fifo_freep2(fifo);
}

static av_cold void uninit(AVFilterContext *ctx)
{
    ReexposeContext *s = ctx->priv;

    /* Mid-stream (an error, or the output closed early) a job may be in flight: the library cannot be
     * interrupted, so the worker finishes it, or skips it if it has not begun, and ends. */
    if (s->worker_running) {
        pthread_mutex_lock(&s->lock);
        s->quit = 1;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->worker, NULL);
        pthread_cond_destroy(&s->cond);
        pthread_mutex_destroy(&s->lock);
        s->worker_running = 0;
    }
    av_frame_free(&s->job_in);
    av_frame_free(&s->job_props);
    free_frames(&s->done);
    free_frames(&s->pending);
    reexpose_filter_destroy(&s->rx);
}

static const AVFilterPad reexpose_inputs[] = {
    {
        .name         = "default",
        .type         = AVMEDIA_TYPE_VIDEO,
        .config_props = config_input,
    },
};

static const AVFilterPad reexpose_outputs[] = {
    {
        .name = "default",
        .type = AVMEDIA_TYPE_VIDEO,
    },
};

const AVFilter ff_vf_reexpose = {
    .name          = "reexpose",
    .description   = NULL_IF_CONFIG_SMALL("Re-expose SDR video as HDR (PQ, HLG, scene-linear) with libreexpose."),
    .priv_size     = sizeof(ReexposeContext),
    .priv_class    = &reexpose_class,
    .init          = init,
    .uninit        = uninit,
    .activate      = activate,
    FILTER_INPUTS(reexpose_inputs),
    FILTER_OUTPUTS(reexpose_outputs),
    FILTER_QUERY_FUNC(query_formats),
};
