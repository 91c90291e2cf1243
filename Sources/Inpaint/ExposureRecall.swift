import Foundation
import Imaging

/// Clipped pixels recalled from other frames: where a scene point was measured (not clipped) in an earlier
/// frame and the exposure has since opened, or in a later frame after the exposure closed, its level there
/// scaled by the exposure change is evidence of what the sensor clipped now, which no fill of the current frame
/// can know.
///
/// The stage remembers, per pixel of a half-resolution grid, a level R (linear RGB in the current frame's
/// exposure), a confidence C and the exposure change O (log2) since R was measured. Per frame, with the frame
/// and its over mask m averaged over 2×2 pixels, and on luminance copies at most `workingHeightPixels` high:
/// 1. the camera's motion s(p) from the previous frame and the exposure change g are measured on pixels that
///    are unclipped and above black in both: one shift first (integer shifts up to `maxShiftPerHeightPercent`,
///    coarse to fine, each scored by the mean absolute deviation of the log-luminance difference from its mean,
///    so an exposure change costs nothing; sub-pixel by a parabola through the neighbouring scores), then a
///    smooth field fitted from it (``MotionFit``: pan, zoom, roll and a wide-angle pan's faster edges), and
///    g = exp(median difference) with the previous copy read at each pixel's own shift; frames whose residual
///    mismatch exceeds `maxMismatchStops`, or whose change differs between the frame's quadrants by more than
///    `maxGainSpreadStops` (a cut, a changing scene, a motion the field does not follow), forget R;
/// 2. a pixel with over-mask m > 0 and a clipped channel carries the memory of p − s(p): R' = g·R(p − s),
///    C' = keep·C(p − s), O' = O(p − s) + log2 g, unless R' is darker than `acceptLinear` (a pixel clipped now
///    is at least about white, so a darker memory is a misaligned point);
/// 3. where O' ≥ `minExposureChangeStops` (at an unchanged exposure a remembered level is no evidence) the
///    full-resolution output of a pixel with a clipped channel moves to the memory, read bilinearly between the
///    four nearest grid points weighted by their carried confidence: out = in + m·C'·(min(R', peak) − in);
/// 4. the memory becomes R = (1 − m)·in + m·R', C = (1 − m) + m·C', O = m·O' (R = in, C = 1 − m, O = 0
///    where nothing was carried).
/// With look-ahead (`lookAheadFrames`, ``recall(_:overMask:observation:later:)``) steps 2 and 4 also run
/// backwards from the later frames with each motion inverted, so a pixel clipped before the exposure closes
/// (auto exposure reacting to a window that comes into view) takes the level measured after it closed, divided
/// by the change; where both directions recall a pixel, the one with the larger weight is kept.
/// ``reset()`` at scene cuts and the end of a stream. Layout: images [3, H, W], masks [1, H, W], linear BT.709
/// relative to SDR white.
public final class ExposureRecall {
  public let params: RecallParams
  /// Value at or above which a channel counts as clipped (`highlights.clipLinear`).
  public let clipLinear: Float
  /// Output peak, relative linear.
  public let peak: Float

  /// What one frame pair measured (exposed for tests and diagnostics).
  public struct Motion: Equatable, Sendable {
    /// Shift of the current frame against the previous over the frame, in full-resolution pixels (content at p
    /// now was at p − shift(p) before).
    public var field: ShiftField
    /// Exposure change, linear (current / previous).
    public var gain: Float
    /// Mean absolute log2 difference left after the shift and gain.
    public var mismatchStops: Float

    /// The mean shift, in full-resolution pixels.
    public var dx: Float { field.mean.dx }
    public var dy: Float { field.mean.dy }

    /// The motion from the current frame back to the previous one.
    public var inverted: Motion { Motion(field: field.inverted, gain: 1 / gain, mismatchStops: mismatchStops) }
  }

  /// The last frame pair's measurement, nil when the frame had no predecessor, too few usable pixels, too large a
  /// mismatch, or a change that differs too much between the frame's quadrants.
  public private(set) var lastMotion: Motion?

  /// The memory on the half-resolution grid: R (channels 0–2), C (3) and O (4); two sets that swap every frame.
  private var memory: PlanarImage?
  private var spare: PlanarImage?
  private var previousLog: PlanarImage?
  private var previousValid: [Bool] = []
  /// Grids and carried levels of observed frames, reused once their observation is gone.
  private let pool: RecyclingPool
  /// The backward chain's two memories and its carried level (``recall(_:overMask:observation:later:)``).
  private var backA: PlanarImage?
  private var backB: PlanarImage?
  private var backCarried: PlanarImage?

  /// One frame as ``observe(_:overMask:)`` measured it, kept until the frame is recalled.
  public final class Observation {
    /// The frame and its over mask averaged over 2×2 pixels: RGB (channels 0–2) and m (3).
    let grid: PlanarImage
    /// Whether any mask value is positive.
    let anyClipped: Bool
    /// The shift and exposure change from the frame observed before, nil where ``lastMotion`` was.
    public let motion: Motion?
    /// The level carried from earlier frames (channels 0–2) with the weight step 3 applies (3), nil when no
    /// weight is positive.
    let forward: PlanarImage?

    init(grid: PlanarImage, anyClipped: Bool, motion: Motion?, forward: PlanarImage?) {
      self.grid = grid
      self.anyClipped = anyClipped
      self.motion = motion
      self.forward = forward
    }
  }

  /// Pixels of the working copy usable for matching: luminance above this (noise and black) ...
  static let darkLinear: Float = 0.03
  /// ... and every channel below this (near white, where the camera response bends and the clip begins).
  static let brightLinear: Float = 0.85
  /// Fewest usable pixels (share of the working copy) for a measurement.
  static let minUsableShare: Float = 0.02

  public init(params: RecallParams, clipLinear: Float, peak: Float) {
    self.params = params
    self.clipLinear = clipLinear
    self.peak = max(1, peak)
    pool = RecyclingPool(capacity: 2 * (params.lookAheadFrames + 2))
  }

  /// Forgets the previous frames (scene cut, end of stream); observations already made keep what they hold.
  public func reset() {
    memory = nil
    spare = nil
    previousLog = nil
    previousValid = []
    lastMotion = nil
  }

  /// Recalls clipped pixels of `image` in place from earlier frames; `overMask` (0...1) marks where the input
  /// clipped. The same as ``observe(_:overMask:)`` then ``recall(_:overMask:observation:later:)`` with no
  /// later frames.
  public func apply(to image: PlanarImage, overMask: PlanarImage) {
    recall(image, overMask: overMask, observation: observe(image, overMask: overMask), later: [])
  }

  /// Steps 1, 2 and 4 for the next frame in stream order (`image` is not changed): measures it against the
  /// frame observed before and carries the memory into it.
  public func observe(_ image: PlanarImage, overMask: PlanarImage) -> Observation {
    let w = image.width
    let h = image.height
    let hw = (w + 1) / 2
    let hh = (h + 1) / 2
    let grid = pool.take(width: hw, height: hh, channels: 4)
    let anyClipped = Self.halve(image, overMask, into: grid)
    // The working copy is the grid reduced by a whole factor k (the smallest that reaches the working height).
    let k = max(1, (hh + params.workingHeightPixels - 1) / params.workingHeightPixels)
    let ww = max(1, hw / k)
    let wh = max(1, hh / k)
    let (logY, valid) = workingCopy(grid, factor: k, width: ww, height: wh)
    lastMotion = nil
    if let mem = memory, let prevLog = previousLog, mem.width == hw, mem.height == hh,
      prevLog.width == ww,
      prevLog.height == wh
    {
      let reach = Int((params.maxShiftPerHeightPercent * 0.01 * Float(wh)).rounded())
      if let m = Self.measure(
        previous: prevLog, previousValid: previousValid, current: logY, currentValid: valid,
        maxShift: reach),
        m.mismatchStops <= params.maxMismatchStops, m.spreadStops <= params.maxGainSpreadStops
      {
        lastMotion = Motion(
          field: m.field.scaled(Float(2 * k)), gain: m.gain, mismatchStops: m.mismatchStops)
      }
    }
    let next = buffer(&spare, width: hw, height: hh, channels: 5)
    var forward: PlanarImage? = nil
    if let motion = lastMotion, anyClipped, let mem = memory {
      let out = pool.take(width: hw, height: hh, channels: 4)
      if carry(grid, motion: motion, from: mem, into: next, carried: out) { forward = out }
    } else {
      remember(grid, into: next)
    }
    spare = memory
    memory = next
    previousLog = logY
    previousValid = valid
    return Observation(grid: grid, anyClipped: anyClipped, motion: lastMotion, forward: forward)
  }

  /// Step 3 for an observed frame: its clipped pixels move to the level carried from earlier frames and, with
  /// `later` (the frames observed after it, in order), to the level measured in a later frame at a shorter
  /// exposure, carried back frame by frame (the same steps 2 and 4 with each shift and change inverted) while
  /// every later measurement holds; where both apply, the one with the larger weight.
  public func recall(
    _ image: PlanarImage, overMask: PlanarImage, observation o: Observation, later: [Observation]
  ) {
    var carried = o.forward
    if o.anyClipped, let back = backward(o, later) {
      if let f = carried {
        Self.mergeLarger(back, into: f)
      } else {
        carried = back
      }
    }
    if let c = carried { applyCarried(c, to: image, mask: overMask) }
  }

  /// The level carried back into `o` from `later`, nil when no weight is positive. The chain starts at the
  /// first later frame with nothing clipped (what follows it cannot change its memory) or the last one whose
  /// measurement holds, and is skipped when the exposure never closes by `minExposureChangeStops` along it.
  private func backward(_ o: Observation, _ later: [Observation]) -> PlanarImage? {
    var motions: [Motion] = []
    var stops: Float = 0
    var closes = false
    for f in later {
      guard let m = f.motion else { break }
      motions.append(m)
      stops += Foundation.log2(m.gain)
      if stops <= -params.minExposureChangeStops { closes = true }
      if !f.anyClipped { break }
    }
    let n = motions.count
    guard n > 0, closes else { return nil }
    let w = o.grid.width
    let h = o.grid.height
    var mem = buffer(&backA, width: w, height: h, channels: 5)
    var next = buffer(&backB, width: w, height: h, channels: 5)
    let out = buffer(&backCarried, width: w, height: h, channels: 4)
    remember(later[n - 1].grid, into: mem)
    var any = false
    for i in stride(from: n - 1, through: 0, by: -1) {
      any = carry(
        i == 0 ? o.grid : later[i - 1].grid, motion: motions[i].inverted, from: mem, into: next,
        carried: out)
      swap(&mem, &next)
    }
    return any ? out : nil
  }

  /// Where `other`'s weight (channel 3) is larger than `target`'s, `target` takes its level and weight.
  static func mergeLarger(_ other: PlanarImage, into target: PlanarImage) {
    let n = target.planeSize
    let ow = other.plane(3)
    let tw = target.plane(3)
    for c in 0..<3 {
      let o = other.plane(c)
      let t = target.plane(c)
      for i in 0..<n where ow[i] > tw[i] { t[i] = o[i] }
    }
    for i in 0..<n where ow[i] > tw[i] { tw[i] = ow[i] }
  }

  /// `slot`'s image when it has the shape, else a new one stored there.
  private func buffer(_ slot: inout PlanarImage?, width: Int, height: Int, channels: Int)
    -> PlanarImage
  {
    if let b = slot, b.width == width, b.height == height, b.channels == channels { return b }
    let b = PlanarImage(width: width, height: height, channels: channels)
    slot = b
    return b
  }

  /// The frame and its mask averaged over 2×2 pixels (edge pixels repeated) into `grid`'s four channels;
  /// whether any mask value is positive.
  static func halve(_ image: PlanarImage, _ mask: PlanarImage, into grid: PlanarImage) -> Bool {
    let w = image.width
    let h = image.height
    let hw = grid.width
    var rowsClipped = [Bool](repeating: false, count: grid.height)
    rowsClipped.withUnsafeMutableBufferPointer { flags in
      Parallel.forRanges(grid.height, minChunk: 8) { s, e in
        for y in s..<e {
          let ya = 2 * y
          let yb = min(2 * y + 1, h - 1)
          var any = false
          for c in 0..<4 {
            let a = c < 3 ? image.row(c, ya) : mask.row(0, ya)
            let b = c < 3 ? image.row(c, yb) : mask.row(0, yb)
            let o = grid.row(c, y)
            Pyramid.downsampleRows(a, b, width: w, into: o)
            if c == 3 { any = SquareFilter.anyPositive(o, count: hw) }
          }
          flags[y] = any
        }
      }
    }
    return rowsClipped.contains(true)
  }

  /// Memory without a carried level: R = the grid's RGB, C = 1 − m, O = 0.
  private func remember(_ grid: PlanarImage, into next: PlanarImage) {
    let n = grid.planeSize
    for c in 0..<3 { PlanarImage.copyValues(from: grid.plane(c), to: next.plane(c), count: n) }
    let m = grid.plane(3)
    let cn = next.plane(3)
    for i in 0..<n { cn[i] = 1 - m[i] }
    next.plane(4).update(repeating: 0, count: n)
  }

  /// Natural-log luminance of the grid averaged over `factor`² pixels (the first `width`·`factor` columns and
  /// `height`·`factor` rows) and which of its pixels are usable for matching: no over-mask value in the block,
  /// luminance above ``darkLinear`` and every channel below ``brightLinear``.
  func workingCopy(_ grid: PlanarImage, factor k: Int, width: Int, height: Int) -> (
    PlanarImage, [Bool]
  ) {
    let out = PlanarImage(width: width, height: height, channels: 1)
    var valid = [Bool](repeating: false, count: width * height)
    let gw = grid.width
    let r = grid.plane(0)
    let g = grid.plane(1)
    let b = grid.plane(2)
    let m = grid.plane(3)
    let o = out.data
    let scale = 1 / Float(k * k)
    valid.withUnsafeMutableBufferPointer { v in
      Parallel.forRanges(height, minChunk: 8) { s, e in
        for y in s..<e {
          for x in 0..<width {
            var sy: Float = 0
            var sm: Float = 0
            var top: Float = 0
            for dy in 0..<k {
              let row = (y * k + dy) * gw + x * k
              for dx in 0..<k {
                sy += 0.2126 * r[row + dx] + 0.7152 * g[row + dx] + 0.0722 * b[row + dx]  // BT.709 luminance
                sm += m[row + dx]
                top = max(top, max(r[row + dx], max(g[row + dx], b[row + dx])))
              }
            }
            let lum = sy * scale
            o[y * width + x] = Foundation.log(max(lum, 1e-6))
            // Every channel below the near-white bound: a saturated colour with one channel at the clip changes
            // by less than the exposure.
            v[y * width + x] = sm == 0 && lum > Self.darkLinear && top < Self.brightLinear
          }
        }
      }
    }
    return (out, valid)
  }

  /// Shift field (working pixels), gain, mismatch and the spread of the gain over the frame's quadrants (the
  /// largest minus the smallest quadrant's median log2 change, over quadrants holding at least half the
  /// minimum usable count: a few pixels left beside a clipped area are no quadrant's measure) between two
  /// working copies, or nil without enough overlap.
  ///
  /// Coarse to fine: every shift up to ⌈maxShift/2⌉ on the copies halved again (a pixel usable when its four
  /// are), then the 3×3 shifts around twice the best one at full working size, and a parabola through the
  /// best score and its neighbours on each axis for the sub-pixel part. From that shift a smooth field (pan,
  /// zoom, roll, a wide-angle pan's faster edges) is fitted (``MotionFit``), and the change is measured with the
  /// previous copy read bilinearly at each pixel's own shift.
  static func measure(
    previous: PlanarImage, previousValid: [Bool], current: PlanarImage, currentValid: [Bool],
    maxShift: Int
  ) -> (field: ShiftField, gain: Float, mismatchStops: Float, spreadStops: Float)? {
    let w = current.width
    let h = current.height
    let minCount = max(64, Int(minUsableShare * Float(w * h)))
    // The copies halved again, for the coarse search and the fit's first steps.
    let half = w >= 8 && h >= 8 ? (halved(previous, previousValid), halved(current, currentValid)) : nil
    var bx = 0
    var by = 0
    if maxShift >= 2, let ((pc, pv), (cc, cv)) = half {
      let reach = (maxShift + 1) / 2
      guard
        let coarse = bestShift(
          in: -reach...reach, -reach...reach,
          score: { score(pc, pv, cc, cv, $0, $1, minCount: max(16, minCount / 4)) })
      else { return nil }
      bx = 2 * coarse.0
      by = 2 * coarse.1
    }
    guard
      let global = subPixelShift(
        previous, previousValid, current, currentValid, around: (bx, by), reach: maxShift >= 2 ? 1 : maxShift,
        maxShift: maxShift, minCount: minCount)
    else { return nil }
    // The smooth field from the one shift: on the copies halved again, then a step at working size.
    var fit = MotionFit(width: w, height: h, dx: Double(global.dx), dy: Double(global.dy))
    if w >= 16 && h >= 16, let ((pc, pv), (cc, cv)) = half {
      var coarse = MotionFit(
        width: pc.width, height: pc.height, dx: Double(global.dx) / 2, dy: Double(global.dy) / 2)
      if coarse.refine(
        previous: pc, previousValid: pv, current: cc, currentValid: cv, iterations: fitIterations)
      {
        fit = coarse.scaled(by: 2, width: w, height: h)
      }
    }
    var refined = fit
    if refined.refine(
      previous: previous, previousValid: previousValid, current: current, currentValid: currentValid,
      iterations: 2)
    {
      fit = refined
    }
    let field = fit.field(tiles: tilesPerSide)
    // The pixels usable in both at their own shift, once: previous log level, change, quadrant.
    let p = previous.data
    let c = current.data
    var levels: [Float] = []
    var diffs: [Float] = []
    var quadrantOf: [Int] = []
    for y in 0..<h {
      for x in 0..<w where currentValid[y * w + x] {
        let s = field.shift(x: Float(x) + 0.5, y: Float(y) + 0.5)
        guard
          let cell = BilinearCell(
            x: Double(Float(x) - s.dx), y: Double(Float(y) - s.dy), width: w, height: h),
          cell.all(previousValid)
        else { continue }
        let l = cell.read(p)
        levels.append(l)
        diffs.append(c[y * w + x] - l)
        quadrantOf.append((2 * y / h) * 2 + 2 * x / w)
      }
    }
    guard diffs.count >= minCount else { return nil }
    // The change's straight-line fit against the previous log level (below), before the sort reorders it.
    var sl: Double = 0
    var sd: Double = 0
    var sll: Double = 0
    var sld: Double = 0
    for (l, d) in zip(levels, diffs) {
      sl += Double(l)
      sd += Double(d)
      sll += Double(l) * Double(l)
      sld += Double(l) * Double(d)
    }
    let n = Double(levels.count)
    let varL = sll / n - (sl / n) * (sl / n)
    let slope = varL > 1e-6 ? (sld / n - (sl / n) * (sd / n)) / varL : 0
    let icept = sd / n - slope * sl / n
    // The same change measured in each quadrant of the frame: an exposure change moves them alike, a scene the
    // field misaligns biases each its own way. The change may depend on the level (the input's transfer is
    // assumed, not the camera's), so what is compared is the difference left after the fit, which absorbs that
    // and not a spatial bias.
    var quadrants: [[Float]] = Array(repeating: [], count: 4)
    for k in levels.indices {
      quadrants[quadrantOf[k]].append(diffs[k] - Float(icept + slope * Double(levels[k])))
    }
    // Gain from the median change; mismatch about it, in stops.
    diffs.sort()
    let median = diffs[diffs.count / 2]
    let mad = diffs.reduce(Float(0)) { $0 + abs($1 - median) } / Float(diffs.count)
    var lo = Float.infinity
    var hi = -Float.infinity
    for var q in quadrants where q.count >= max(16, minCount / 2) {
      q.sort()
      lo = min(lo, q[q.count / 2])
      hi = max(hi, q[q.count / 2])
    }
    let spread = hi >= lo ? (hi - lo) / Float(M_LN2) : 0
    return (field, Foundation.exp(median), mad / Float(M_LN2), spread)
  }

  /// Tiles per side of the shift field that carries the fitted motion (``MotionFit``).
  static let tilesPerSide = 4
  /// Gauss–Newton steps of the motion fit on the copies halved again.
  static let fitIterations = 8

  /// The best integer shift within `reach` of `around` (and `maxShift` of zero), refined by a parabola through
  /// its neighbours' scores on each axis; nil when no shift has `minCount` usable pixels.
  static func subPixelShift(
    _ previous: PlanarImage, _ previousValid: [Bool], _ current: PlanarImage, _ currentValid: [Bool],
    around: (Int, Int), reach: Int, maxShift: Int, minCount: Int
  ) -> (dx: Float, dy: Float)? {
    // Pure, so the search may score shifts side by side (a few are scored twice; they are cheap).
    func fine(_ sx: Int, _ sy: Int) -> Float {
      if abs(sx) > maxShift || abs(sy) > maxShift { return .infinity }
      return score(previous, previousValid, current, currentValid, sx, sy, minCount: minCount)
    }
    let xs = max(-maxShift, around.0 - reach)...min(maxShift, around.0 + reach)
    let ys = max(-maxShift, around.1 - reach)...min(maxShift, around.1 + reach)
    guard let (bx, by) = bestShift(in: xs, ys, score: fine) else { return nil }
    // Sub-pixel: vertex of the parabola through the best score and its two neighbours on each axis.
    func vertex(_ a: Float, _ b: Float, _ c: Float) -> Float {
      let den = a - 2 * b + c
      guard a.isFinite, c.isFinite, den > 0 else { return 0 }
      return min(0.5, max(-0.5, 0.5 * (a - c) / den))
    }
    let centre = fine(bx, by)
    return (
      Float(bx) + vertex(fine(bx - 1, by), centre, fine(bx + 1, by)),
      Float(by) + vertex(fine(bx, by - 1), centre, fine(bx, by + 1))
    )
  }

  /// The shift in `xs` × `ys` with the smallest finite score (scored in parallel); among equal scores the
  /// smallest shift.
  static func bestShift(
    in xs: ClosedRange<Int>, _ ys: ClosedRange<Int>, score: (Int, Int) -> Float
  ) -> (Int, Int)? {
    let n = xs.count * ys.count
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: n)
    defer { scores.deallocate() }
    Parallel.forRanges(n, minChunk: 1) { s, e in
      for i in s..<e {
        scores[i] = score(xs.lowerBound + i % xs.count, ys.lowerBound + i / xs.count)
      }
    }
    var best: (Int, Int, Float)? = nil
    for i in 0..<n where scores[i].isFinite {
      let sx = xs.lowerBound + i % xs.count
      let sy = ys.lowerBound + i / xs.count
      if let b = best,
        scores[i] > b.2 || (scores[i] == b.2 && sx * sx + sy * sy >= b.0 * b.0 + b.1 * b.1)
      {
        continue
      }
      best = (sx, sy, scores[i])
    }
    return best.map { ($0.0, $0.1) }
  }

  /// Mean |d − mean d| over pixels usable in both copies, d = log now − log before at shift (sx, sy); ∞ with
  /// fewer than `minCount` such pixels or no overlap.
  static func score(
    _ previous: PlanarImage, _ previousValid: [Bool], _ current: PlanarImage,
    _ currentValid: [Bool], _ sx: Int,
    _ sy: Int, minCount: Int = 0
  ) -> Float {
    let w = current.width
    let h = current.height
    let p = previous.data
    let c = current.data
    // A shift as large as the copy leaves no overlap (a tall, narrow frame searched by its height); a Range
    // with its bounds reversed would trap.
    guard abs(sx) < w, abs(sy) < h else { return .infinity }
    let xs = max(0, sx)..<min(w, w + sx)
    let ys = max(0, sy)..<min(h, h + sy)
    var sum: Double = 0
    var count = 0
    for y in ys {
      let py = y - sy
      for x in xs where currentValid[y * w + x] && previousValid[py * w + x - sx] {
        sum += Double(c[y * w + x] - p[py * w + x - sx])
        count += 1
      }
    }
    if count == 0 || count < minCount { return .infinity }
    let mean = Float(sum / Double(count))
    var dev: Double = 0
    for y in ys {
      let py = y - sy
      for x in xs where currentValid[y * w + x] && previousValid[py * w + x - sx] {
        dev += Double(abs(c[y * w + x] - p[py * w + x - sx] - mean))
      }
    }
    return Float(dev / Double(count))
  }

  /// A working copy halved: the mean of each 2×2 block's logs, usable when all four pixels are.
  static func halved(_ img: PlanarImage, _ valid: [Bool]) -> (PlanarImage, [Bool]) {
    let w = img.width
    let hw = w / 2
    let hh = img.height / 2
    let out = PlanarImage(width: hw, height: hh, channels: 1)
    var v = [Bool](repeating: false, count: hw * hh)
    let s = img.data
    let o = out.data
    for y in 0..<hh {
      for x in 0..<hw {
        let a = 2 * y * w + 2 * x
        o[y * hw + x] = 0.25 * (s[a] + s[a + 1] + s[a + w] + s[a + w + 1])
        v[y * hw + x] = valid[a] && valid[a + 1] && valid[a + w] && valid[a + w + 1]
      }
    }
    return (out, v)
  }

  /// Steps 2 and 4 on the grid: the next memory, and the carried level with the weight step 3 applies; whether
  /// any weight is positive (at an unchanged exposure none is, and step 3 is skipped).
  private func carry(
    _ grid: PlanarImage, motion: Motion, from mem: PlanarImage, into next: PlanarImage,
    carried out: PlanarImage
  ) -> Bool {
    let w = grid.width
    let h = grid.height
    let field = motion.field
    let keep = params.keepPerFrame
    let accept = params.acceptLinear
    let gain = motion.gain
    let stops = Foundation.log2(gain)
    let minStops = params.minExposureChangeStops
    let r = grid.plane(0)
    let g = grid.plane(1)
    let b = grid.plane(2)
    let m = grid.plane(3)
    let lr = mem.plane(0)
    let lg = mem.plane(1)
    let lb = mem.plane(2)
    let c = mem.plane(3)
    let o = mem.plane(4)
    let rr = next.plane(0)
    let rg = next.plane(1)
    let rb = next.plane(2)
    let cn = next.plane(3)
    let on = next.plane(4)
    let cr = out.plane(0)
    let cg = out.plane(1)
    let cb = out.plane(2)
    let cw = out.plane(3)
    var rowsApplied = [Bool](repeating: false, count: h)
    rowsApplied.withUnsafeMutableBufferPointer { applied in
      Parallel.forRanges(h, minChunk: 8) { s, e in
        for y in s..<e {
          for x in 0..<w {
            let i = y * w + x
            let mi = m[i]
            // Nothing carried: the pixel's own level.
            rr[i] = r[i]
            rg[i] = g[i]
            rb[i] = b[i]
            cn[i] = 1 - mi
            on[i] = 0
            cw[i] = 0
            guard mi > 0 else { continue }
            // The grid point's centre in full-resolution pixels, and its shift in grid points.
            let shift = field.shift(x: Float(2 * x + 1), y: Float(2 * y + 1))
            // A shift beyond the grid (or not a number) carries nothing; Int() would trap on it.
            guard abs(shift.dx) < Float(2 * w), abs(shift.dy) < Float(2 * h) else { continue }
            let qx = x - Int((0.5 * shift.dx).rounded())
            let qy = y - Int((0.5 * shift.dy).rounded())
            guard qx >= 0, qx < w, qy >= 0, qy < h else { continue }
            let j = qy * w + qx
            let kept = c[j] * keep
            guard kept > 0 else { continue }
            let er = gain * lr[j]
            let eg = gain * lg[j]
            let eb = gain * lb[j]
            guard 0.2126 * er + 0.7152 * eg + 0.0722 * eb >= accept else { continue }  // BT.709 luminance
            let since = o[j] + stops
            // The memory, whether or not it is used yet.
            rr[i] += mi * (er - r[i])
            rg[i] += mi * (eg - g[i])
            rb[i] += mi * (eb - b[i])
            cn[i] += mi * kept
            on[i] = mi * since
            cr[i] = er
            cg[i] = eg
            cb[i] = eb
            if since >= minStops {
              cw[i] = kept
              applied[y] = true
            }
          }
        }
      }
    }
    return rowsApplied.contains(true)
  }

  /// Step 3 at full resolution: pixels with a mask value and a clipped channel move to the carried level, read
  /// bilinearly from the grid with the carried weights.
  private func applyCarried(_ out: PlanarImage, to image: PlanarImage, mask: PlanarImage) {
    let w = image.width
    let h = image.height
    let hw = out.width
    let hh = out.height
    let top = peak
    let clip = clipLinear
    let r = image.plane(0)
    let g = image.plane(1)
    let b = image.plane(2)
    let m = mask.data
    let cr = out.plane(0)
    let cg = out.plane(1)
    let cb = out.plane(2)
    let cw = out.plane(3)
    Parallel.forRanges(h, minChunk: 8) { s, e in
      for y in s..<e {
        let row = y * w
        guard SquareFilter.anyPositive(m + row, count: w) else { continue }
        // Grid coordinates of full-resolution centres: (x + 0.5)/2 − 0.5.
        let fy = max(0, (Float(y) - 0.5) * 0.5)
        let y0 = min(Int(fy), hh - 1)
        let y1 = min(y0 + 1, hh - 1)
        let ty = fy - Float(y0)
        for x in 0..<w {
          let i = row + x
          let mi = m[i]
          guard mi > 0, max(r[i], max(g[i], b[i])) >= clip else { continue }
          let fx = max(0, (Float(x) - 0.5) * 0.5)
          let x0 = min(Int(fx), hw - 1)
          let x1 = min(x0 + 1, hw - 1)
          let tx = fx - Float(x0)
          let k00 = y0 * hw + x0
          let k01 = y0 * hw + x1
          let k10 = y1 * hw + x0
          let k11 = y1 * hw + x1
          let a00 = (1 - tx) * (1 - ty) * cw[k00]
          let a01 = tx * (1 - ty) * cw[k01]
          let a10 = (1 - tx) * ty * cw[k10]
          let a11 = tx * ty * cw[k11]
          let total = a00 + a01 + a10 + a11
          guard total > 0 else { continue }
          let er = (a00 * cr[k00] + a01 * cr[k01] + a10 * cr[k10] + a11 * cr[k11]) / total
          let eg = (a00 * cg[k00] + a01 * cg[k01] + a10 * cg[k10] + a11 * cg[k11]) / total
          let eb = (a00 * cb[k00] + a01 * cb[k01] + a10 * cb[k10] + a11 * cb[k11]) / total
          let weight = mi * total
          r[i] += weight * (min(er, top) - r[i])
          g[i] += weight * (min(eg, top) - g[i])
          b[i] += weight * (min(eb, top) - b[i])
        }
      }
    }
  }
}
