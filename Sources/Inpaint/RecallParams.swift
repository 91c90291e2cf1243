import Parameters

/// Parameters of ``ExposureRecall``: clipped pixels take the level their scene point was measured at in an
/// earlier frame with a shorter exposure.
public struct RecallParams: ParameterSet {
  public var enabled: Bool = false
  public var workingHeightPixels: Int = 136
  public var maxShiftPerHeightPercent: Float = 6
  public var keepPerFrame: Float = 1
  public var acceptLinear: Float = 0.75
  public var maxMismatchStops: Float = 0.35
  public var minExposureChangeStops: Float = 0.25
  public var maxGainSpreadStops: Float = 0.1
  public var lookAheadFrames: Int = 0

  public init() {}

  public static let parameters: [Parameter<Self>] = [
    .bool(
      "enabled", \.enabled,
      doc:
        "Whether clipped pixels take the level their scene point was measured at in an earlier frame whose "
        + "exposure was shorter (a camera's auto exposure opening after a pan away from a window, a cloud over the "
        + "sun), scaled by the exposure change between the frames; reset at scene cuts."),
    .int(
      "workingHeightPixels", \.workingHeightPixels, 16...1080, unit: "pixels",
      doc:
        "Largest height of the luminance copies on which the camera's shift and the exposure change between frames "
        + "are measured: the half-resolution frame reduced by the smallest whole factor that reaches it (1080p: "
        + "4, so 135 rows)."),
    .float(
      "maxShiftPerHeightPercent", \.maxShiftPerHeightPercent, 0...25,
      unit: "% of the frame height per frame",
      doc: "Largest camera shift between two frames that is searched for."),
    .float(
      "keepPerFrame", \.keepPerFrame, 0...1,
      doc:
        "Share of a recalled level's weight kept for each further frame its pixel stays clipped; 0 recalls only "
        + "from the frame just before. On data/tune-ae before the quadrant check (hdr10-pq, PU21-PSNR inside "
        + "over-exposed masks; 15.68 dB without recall): 16.29 at 1, 16.22 at 0.95."),
    .float(
      "acceptLinear", \.acceptLinear, 0.5...4, unit: "linear, 1 = SDR white",
      doc:
        "A recalled level below this is not used: a pixel clipped now must be at least about white, so a "
        + "lower recall is a misaligned or changed scene point. Below 1 because the input's transfer is assumed, "
        + "not known: a camera's own curve puts its clip a little off linear 1. On data/tune-ae before the "
        + "quadrant check: 16.29 dB at 0.75, 16.25 at 0.9."),
    .float(
      "maxMismatchStops", \.maxMismatchStops, 0.01...4, unit: "stops",
      doc:
        "Frames whose unclipped pixels differ, after the measured shift and exposure change, by more than this "
        + "on average (mean absolute log2 difference) recall nothing: the camera moved in a way the fitted "
        + "motion field does not describe, or the scene changed."),
    .float(
      "minExposureChangeStops", \.minExposureChangeStops, 0...4, unit: "stops",
      doc:
        "A level is recalled only when the exposure has opened by at least this much since it was measured: at an "
        + "unchanged exposure a pixel clipped now but measured before is a misalignment (or noise at the clip), "
        + "not evidence. On data/tune-ae before the quadrant check: 16.36 dB at 0.15, 16.29 at 0.25, 16.05 at "
        + "0.5; on data/tune100 (constant exposure) no floor cost up to 0.8 dB on a clip."),
    .float(
      "maxGainSpreadStops", \.maxGainSpreadStops, 0.01...4, unit: "stops",
      doc:
        "Frames whose exposure change, measured in each quadrant of the frame, differs by more than this between "
        + "quadrants recall nothing (each quadrant's median after a straight-line fit of the change against the "
        + "level, which absorbs a camera curve other than the one assumed): an exposure change moves the quadrants "
        + "alike, while a motion the field does not follow biases each its own way. With one shift per frame a "
        + "constant-exposure zoom on data/tune100 read as opening by 0.12-0.16 stops a frame (spreads 0.12-0.16) "
        + "and its sun was recalled ever brighter; with the fitted field it reads 1.00 +/- 0.005 (spreads under "
        + "0.015), and pans' spreads fell from 0.15-0.28 to under 0.04. On data/tune-ae (hdr10-pq with 7 frames of "
        + "look-ahead, over-exposed dB): 16.56 at 0.1, 16.58 at 0.15 with a higher temporal error. A quadrant "
        + "counts when it holds at least half the measurement's minimum of usable pixels (a few pixels beside a "
        + "large clipped area read wild medians: 0.96 stops of spread in the closing golden clip's first frame); "
        + "that took data/tune-ae from 16.33 to 16.35 at 0 frames of look-ahead."),
    .int(
      "lookAheadFrames", \.lookAheadFrames, 0...8, unit: "frames",
      doc:
        "Later frames a clipped pixel may also be recalled from: where the exposure closes after a highlight "
        + "clipped (auto exposure reacting to a window that pans into view), the level measured in a later, "
        + "shorter-exposed frame divided by the change. Each frame adds a frame of latency and counts against "
        + "window.maxLookAheadFrames; 0 recalls only from earlier frames. On data/tune-ae (hdr10-pq, over-exposed "
        + "dB): 16.35 at 0, 16.61 at 7; a ramp's clipped frames gain only within this many frames of its end. The "
        + "held frames cost memory: 1080p hdr10-pq peaks at 1.2 GiB at 7 against 0.5 at 0."),
  ]
}
