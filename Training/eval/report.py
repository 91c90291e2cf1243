"""Markdown report and PNG plots of an evaluation run.

Display of HDR images: every panel (input, outputs, ground truth) is converted to BT.709,
PQ-encoded and scaled so that 1000 cd/m^2 is full white: one fixed tone map for all, so
brightness differences between panels are real differences.
"""

import math
import os

import numpy as np

from . import blown, colour, metrics

METRIC_COLUMNS = [("pu_psnr", "PU21-PSNR dB ↑"), ("pu_psnr_over", "PU-PSNR over ↑"),
                  ("pu_psnr_under", "PU-PSNR under ↑"), ("de_itp", "ΔE_ITP ↓"),
                  ("tpu_rmse", "tPU-RMSE ↓"), ("flicker", "flicker ↓"), ("hdr_flip", "HDR-FLIP ↓"),
                  ("fps", "fps ↑")]


def display(nits2020, white_nits=1000.0):
    """Absolute BT.2020 light [..., 3] -> displayable [0, 1] (BT.709, PQ, white_nits = 1)."""
    lin709 = np.maximum(np.asarray(nits2020, np.float64) @ colour.M2020_TO_709.T, 0.0)
    return np.clip(colour.pq_oetf(lin709) / colour.pq_oetf(white_nits), 0.0, 1.0)


def highlight_box(codes, side_fraction=0.4, threshold=250):
    """(y0, y1, x0, x1) of a square crop centred on the densest blown area of one LDR frame
    (uint8 [H, W, 3]; a pixel is blown when a channel >= threshold), or None without one."""
    blown = (codes >= threshold).any(axis=-1).astype(np.float64)
    if blown.sum() < 4:
        return None
    h, w = blown.shape
    side = max(16, int(min(h, w) * side_fraction))
    # Box sums by an integral image: the crop holding the most blown pixels (ties: first).
    ii = np.pad(blown.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    sums = ii[side:, side:] - ii[:-side, side:] - ii[side:, :-side] + ii[:-side, :-side]
    y0, x0 = np.unravel_index(int(np.argmax(sums)), sums.shape)
    return int(y0), int(y0 + side), int(x0), int(x0 + side)


def _fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float) and math.isinf(v):
        return "∞"
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def plot_clip(plot_dir, clip, ldr_codes, gt, outputs, per_frame):
    """Write the figures of one clip; returns their file names (relative to plot_dir) by kind.
    Clips with blown pixels also get "highlights", "blown_crops" and "radial_profile"."""
    plt = _plt()
    os.makedirs(plot_dir, exist_ok=True)
    k = gt.shape[0] // 2
    names = list(outputs)
    files = {}

    # Side by side: input, outputs, ground truth (middle frame).
    n = len(names) + 2
    fig, axes = plt.subplots(1, n, figsize=(3.0 * n, 3.3))
    panels = [("LDR input", ldr_codes[k] / 255.0)] + \
             [(m, display(outputs[m][k])) for m in names] + [("ground truth", display(gt[k]))]
    for ax, (title, img) in zip(axes, panels):
        ax.imshow(img)
        ax.set_title(title, fontsize=8)
        ax.axis("off")
    fig.suptitle(f"{clip}, frame {k} (PQ display, 1000 cd/m² = white)", fontsize=9)
    files["frames"] = f"{clip}_frames.png"
    fig.savefig(os.path.join(plot_dir, files["frames"]), dpi=80, bbox_inches="tight")
    plt.close(fig)

    # Recovered highlights: a crop around the largest blown area of the middle frame, shown with a
    # brighter display range (4000 cd/m^2 = white) so the recovered gradations are visible.
    box = highlight_box(ldr_codes[k])
    if box is not None:
        y0, y1, x0, x1 = box
        fig, axes = plt.subplots(1, n, figsize=(2.4 * n, 2.7))
        panels = [("LDR input", ldr_codes[k][y0:y1, x0:x1] / 255.0)] + \
                 [(m, display(outputs[m][k][y0:y1, x0:x1], 4000.0)) for m in names] + \
                 [("ground truth", display(gt[k][y0:y1, x0:x1], 4000.0))]
        for ax, (title, img) in zip(axes, panels):
            ax.imshow(img, interpolation="nearest")
            ax.set_title(title, fontsize=7)
            ax.axis("off")
        fig.suptitle(f"{clip}, frame {k}: blown highlights, rows {y0}-{y1}, columns {x0}-{x1} "
                     "(PQ display, 4000 cd/m² = white)", fontsize=8)
        files["highlights"] = f"{clip}_highlights.png"
        fig.savefig(os.path.join(plot_dir, files["highlights"]), dpi=100, bbox_inches="tight")
        plt.close(fig)

    files.update(plot_blown(plot_dir, clip, k, ldr_codes[k], gt[k], {m: outputs[m][k] for m in names}))

    # Error heat maps: deltaE ITP per pixel, one colour scale for all methods.
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.3), squeeze=False)
    maps = [colour.delta_e_itp(outputs[m][k], gt[k]) for m in names]
    vmax = max(float(np.percentile(np.concatenate([e.ravel() for e in maps]), 99)), 1.0)
    for ax, m, e in zip(axes[0], names, maps):
        im = ax.imshow(e, cmap="magma", vmin=0.0, vmax=vmax)
        ax.set_title(f"{m}: ΔE_ITP", fontsize=8)
        ax.axis("off")
    fig.colorbar(im, ax=list(axes[0]), shrink=0.8)
    files["errors"] = f"{clip}_errors.png"
    fig.savefig(os.path.join(plot_dir, files["errors"]), dpi=80, bbox_inches="tight")
    plt.close(fig)

    # Per-frame metric curves.
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.3))
    for key, ax, label in (("pu_psnr", axes[0], "PU21-PSNR (dB)"),
                           ("de_itp", axes[1], "mean ΔE_ITP"),
                           ("tpu_rmse", axes[2], "tPU-RMSE (PU units)")):
        for m in names:
            ax.plot(per_frame[m][key], marker=".", label=m)
        ax.set_xlabel("frame")
        ax.set_ylabel(label, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7)
    files["curves"] = f"{clip}_curves.png"
    fig.savefig(os.path.join(plot_dir, files["curves"]), dpi=80, bbox_inches="tight")
    plt.close(fig)

    # Luminance histograms, whole clip, log10 cd/m^2.
    fig, ax = plt.subplots(figsize=(6, 3.3))
    bins = np.linspace(-3, 4, 120)
    for label, img in [("ground truth", gt)] + [(m, outputs[m]) for m in names]:
        y = np.log10(np.maximum(img @ colour.LUMA_2020, 1e-3)).ravel()
        ax.hist(y, bins=bins, histtype="step", density=True, label=label,
                linewidth=2.0 if label == "ground truth" else 1.0)
    ax.set_xlabel("log10 luminance (cd/m²)")
    ax.set_ylabel("density")
    ax.legend(fontsize=7)
    files["hist"] = f"{clip}_hist.png"
    fig.savefig(os.path.join(plot_dir, files["hist"]), dpi=80, bbox_inches="tight")
    plt.close(fig)
    return files


# The false-colour crops' scale starts here (cd/m^2, about SDR white / 20): dark enough for the
# surroundings of a blown area, and every clip's crops share it.
CROP_FLOOR_NITS = 10.0


def plot_blown(plot_dir, clip, k, codes, gt, outputs):
    """The blown-highlight figures of frame k (codes uint8 [H, W, 3], gt and outputs {method:
    [H, W, 3]} in absolute BT.2020 cd/m^2): false-colour crops of the largest blown region and
    the radial profile through the brightest clipped pixel. Returns {"blown_crops": file,
    "radial_profile": file}, or {} when nothing is blown (there is nothing to show)."""
    region = blown.largest_blown_region(codes)
    bright = blown.brightest_clipped(codes, gt)
    if region is None or bright is None:
        return {}
    files = {"blown_crops": f"{clip}_blown_crops.png", "radial_profile": f"{clip}_radial_profile.png"}
    fig = _blown_crops_figure(clip, k, codes, gt, outputs, region, bright[0])
    _save(fig, os.path.join(plot_dir, files["blown_crops"]), dpi=100)
    fig = _radial_profile_figure(clip, k, codes, gt, outputs, *bright)
    _save(fig, os.path.join(plot_dir, files["radial_profile"]), dpi=100)
    return files


def _save(fig, path, dpi):
    """Write a figure and free it (pyplot keeps every open figure alive otherwise)."""
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    _plt().close(fig)


def crop_log_range(gt_lum, floor=CROP_FLOOR_NITS):
    """(vmin, vmax) cd/m^2 of the crops' colour scale: from `floor` to the 1-2-5 step at or above
    the truth's peak in the crop, at least a decade above SDR white. The truth sets the top so
    that its peak is near the end of the colour map (rings and ridges change colour) and a
    method's overshoot shows as saturated colour, not as a rescaled map."""
    peak = max(float(np.nanmax(gt_lum)), 10.0 * colour.SDR_WHITE_NITS)
    decade = 10.0 ** math.floor(math.log10(peak))
    vmax = next(decade * s for s in (1.0, 2.0, 5.0, 10.0) if decade * s >= peak * (1 - 1e-9))
    return floor, vmax


def _blown_crops_figure(clip, k, codes, gt, outputs, region, centre):
    """LDR input, each method and the truth over the largest blown region's padded bounding box;
    the outputs as false-colour luminance on one log scale; the region's outline on the input only,
    so that it hides nothing a method rebuilt."""
    import matplotlib.colors
    plt = _plt()
    y0, y1, x0, x1 = blown.crop_box(region.bbox, codes.shape[:2])
    crop = lambda img: img[y0:y1, x0:x1]
    lums = [(m, blown.luminance(crop(o))) for m, o in outputs.items()]
    lums.append(("ground truth", blown.luminance(crop(gt))))
    vmin, vmax = crop_log_range(lums[-1][1])
    norm = matplotlib.colors.LogNorm(vmin=vmin, vmax=vmax, clip=False)
    n = len(lums) + 1
    fig, axes = plt.subplots(1, n, figsize=(2.6 * n + 0.8, 2.9), squeeze=False)
    axes = list(axes[0])
    axes[0].imshow(crop(codes), interpolation="nearest")
    axes[0].set_title("LDR input", fontsize=7)
    cmap = plt.get_cmap("turbo").with_extremes(under="black", over="white")
    for ax, (title, lum) in zip(axes[1:], lums):
        im = ax.imshow(np.maximum(lum, vmin * 1e-3), cmap=cmap, norm=norm, interpolation="nearest")
        ax.set_title(title, fontsize=7)
    axes[0].contour(crop(region.mask).astype(float), levels=[0.5], colors="magenta", linewidths=0.7)
    cy, cx = centre
    for ax in axes:
        if y0 <= cy < y1 and x0 <= cx < x1:
            ax.plot(cx - x0, cy - y0, marker="+", color="magenta", markersize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    bar = fig.colorbar(im, ax=axes, shrink=0.85, extend="both", pad=0.02)
    bar.set_label("luminance (cd/m²)", fontsize=7)
    bar.ax.tick_params(labelsize=6)
    fig.suptitle(f"{clip}, frame {k}: largest blown region ({region.area} px, outlined on "
                 f"the input), rows {y0}-{y1}, columns {x0}-{x1}; + brightest clipped pixel", fontsize=8)
    return fig


def _radial_profile_figure(clip, k, codes, gt, outputs, centre, region):
    """Mean luminance in 1-px rings around the brightest clipped pixel, out to
    blown.profile_radius: the truth in black, each method, the linearised LDR input, and the
    SDR clip level the input cannot exceed."""
    plt = _plt()
    radius = blown.profile_radius(centre, region, codes.shape[:2])
    fig, ax = plt.subplots(figsize=(6.0, 3.6))
    floor = 1e-3    # log axis: a black ring would vanish, draw it at the floor instead
    for m, out in outputs.items():
        r, lum = blown.radial_profile(blown.luminance(out), centre, radius)
        ax.plot(r, np.maximum(lum, floor), marker=".", markersize=3, linewidth=1.2, label=m)
    ldr_nits = colour.bt1886_to_linear(codes / 255.0) @ colour.M709_TO_2020.T * colour.SDR_WHITE_NITS
    r, lum = blown.radial_profile(blown.luminance(ldr_nits), centre, radius)
    ax.plot(r, np.maximum(lum, floor), color="0.3", linestyle=":", linewidth=1.6,
            label="LDR input (BT.1886, white = 203)")
    r, lum = blown.radial_profile(blown.luminance(gt), centre, radius)
    ax.plot(r, np.maximum(lum, floor), color="black", linewidth=2.2, label="ground truth")
    ax.axhline(colour.SDR_WHITE_NITS, color="tab:red", linestyle="--", linewidth=1.0,
               label=f"SDR clip level ({colour.SDR_WHITE_NITS:g} cd/m²)")
    ax.axvline(region.equivalent_radius, color="0.4", linestyle="-.", linewidth=0.8,
               label=f"blown region's equivalent radius ({region.equivalent_radius:.1f} px)")
    ax.set_yscale("log")
    ax.set_xlim(0, radius)
    ax.set_xlabel("distance from the brightest clipped pixel (px)")
    ax.set_ylabel("mean luminance in 1-px ring (cd/m²)", fontsize=8)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(f"{clip}, frame {k}: radial profile around (row {centre[0]}, column {centre[1]}), "
                 f"blown component of {region.area} px", fontsize=8)
    return fig


def write_report(path, results, context):
    """Write report.md from results = {"methods": [...], "clips": [...], "averages": {...}}."""
    lines = ["# reexpose evaluation", ""]
    lines += [f"- {k}: {v}" for k, v in context.items()]
    lines += ["", "Metrics: PU21-PSNR (peak 256) on the whole frame and inside the over-exposed "
              "(an LDR channel ≥ 250) and under-exposed (all channels ≤ 10) masks, mean ΔE_ITP "
              "(BT.2124), temporal error tPU-RMSE and flicker in PU21 units, fps of the whole "
              "pipe (decode + method) over the clip; HDR-FLIP (mean, middle frame, when "
              "flip-evaluator is installed). Absolute scale: SDR white = 203 cd/m².", "",
              "Baselines: `zscale-static` is the BT.1886 display-referred static conversion "
              "(ffmpeg zscale: BT.1886 EOTF, SDR white at 203 cd/m², PQ BT.2020); "
              "`hqdn3d-zscale@LS:CS:LT:CT` is ffmpeg `format=yuv420p16le,hqdn3d=LS:CS:LT:CT,` "
              "then the same conversion; `zscale-static-noise-free` is that conversion of the "
              "clip's LDR made without sensor noise and coded losslessly (the best any restoration "
              "in front of it could do); `bt2446a` is BT.2446 method A. `METHOD+level-oracle` is not "
              "a method but a bound: METHOD's output with each blown region moved to the ground "
              "truth's log-mean level and capped at the peak (Training/eval/oracle.py), as far as "
              "estimating the level of clipped regions alone could take it.", ""]
    cols = [c for c in METRIC_COLUMNS if c[0] != "hdr_flip" or results.get("flip", True)]
    lines += ["## Average over clips", ""]
    lines += _table(["method"] + [c[1] for c in cols],
                    [[m] + [_fmt(results["averages"][m].get(c[0])) for c in cols]
                     for m in results["methods"]])
    for note in results.get("notes", []):
        lines += ["", f"> {note}"]
    lines += _paired_section(results)
    lines += _groups_section(results, cols)
    lines += _sweep_section(results)
    lines += ["", "## Per clip", ""]
    rows = []
    for c in results["clips"]:
        for m in results["methods"]:
            r = c["metrics"].get(m)
            if r is None:
                continue
            rows.append([c["clip"], c["desc"], m] + [_fmt(r.get(k)) for k, _ in cols])
    lines += _table(["clip", "content", "method"] + [c[1] for c in cols], rows)
    lines += ["", "## Plots", ""]
    for c in results["clips"]:
        if not c.get("plots"):
            continue
        lines += [f"### {c['clip']} ({c['desc']})", ""]
        for key in ("frames", "highlights", "blown_crops", "radial_profile", "errors", "curves",
                    "hist"):
            if key in c["plots"]:
                lines += [f"![{key}](plots/{c['plots'][key]})", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


PAIRED_COLUMNS = [("pu_psnr", "PU21-PSNR"), ("pu_psnr_over", "PU-PSNR over")]


def _paired_section(results):
    """Each method against the first one, clip by clip: wins and median difference."""
    methods = results["methods"]
    if len(methods) < 2 or len(results["clips"]) < 2:
        return []
    base = methods[0]
    rows = []
    for m in methods[1:]:
        row = [m]
        for key, _ in PAIRED_COLUMNS:
            wins, n, med = metrics.paired(results["clips"], m, base, key)
            row.append(f"{wins}/{n}, {med:+.2f}" if n else "–")
        rows.append(row)
    return (["", f"## Clip by clip against {base}", "",
             "Clips where the method scores higher / clips with the metric, and the median per-clip "
             "difference in dB (the averages above are means of per-clip dB, which a few clips can "
             "dominate).", ""]
            + _table(["method"] + [f"{title}: higher, median Δ" for _, title in PAIRED_COLUMNS], rows))


def _table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return out


GROUP_TITLES = {"clean": "clean (σ₁₈ < 0.002)", "moderate": "moderate (0.002 ≤ σ₁₈ < 0.015)",
                "heavy": "heavy (σ₁₈ ≥ 0.015)", "unknown": "unknown (no noise parameters recorded)"}


def _groups_section(results, cols):
    """Per-method means within each noise group (metrics.noise_group), same columns as the overall table."""
    groups = results.get("groups") or {}
    if not groups:
        return []
    lines = ["", "## By noise level", "",
             "Clips grouped by their recorded sensor noise: σ₁₈ is the noise standard deviation at "
             "18 % grey in linear light (1.0 = SDR white), √(0.18 / full_well + read_sigma²); "
             "per-method means of per-clip values within each group.", ""]
    for g, gr in groups.items():
        lines += [f"### {GROUP_TITLES.get(g, g)}: {gr['clips']} clip{'s' if gr['clips'] != 1 else ''}", ""]
        lines += _table(["method"] + [c[1] for c in cols],
                        [[m] + [_fmt(gr["averages"].get(m, {}).get(c[0])) for c in cols]
                         for m in results["methods"]])
        lines += [""]
    return lines[:-1]


def _sweep_section(results):
    sweep = results.get("hqdn3d_sweep")
    if not sweep:
        return []
    groups = list((results.get("groups") or {}).keys())
    rows = [[m, _fmt(v)] + [("best" if sweep["by_group"].get(g) == m else "") for g in groups]
            for m, v in sweep["overall"].items()]
    return (["", "## hqdn3d strength sweep", "",
             f"Mean PU21-PSNR over all clips; best overall: **{sweep['best']}** "
             f"(strength `{sweep['best_strength']}`, written to hqdn3d_best.txt, which `make eval` "
             "uses as the hqdn3d peer). Best per noise group marked.", ""]
            + _table(["method", "PU21-PSNR dB ↑"] + groups, rows))
