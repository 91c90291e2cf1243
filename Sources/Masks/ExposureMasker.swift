import Imaging
import Parameters


/// Soft, temporally stabilised over/under-exposure masks (DiffHDR's recipe, REFERENCE §1).
///
/// Steps per frame, on both masks at once (a [2, h, w] working image; h, w = H, W or half with
/// `halfResolution`, radii then halved and rounded up):
/// 1. raw masks from the sRGB-coded signal (``RawExposureMask``);
/// 2. closing with a (2·morphologyRadius+1)² square;
/// 3. temporal EMA: m = temporalWeight·m + (1 − temporalWeight)·previous (the previous EMA state; skipped on
///    the first frame and at scene cuts);
/// 4. Gaussian blur with radius blurRadius, σ = 0.3·(radius − 1) + 0.8 (OpenCV's automatic σ);
/// 5. opening then closing with a (2·smoothingMorphologyRadius+1)² square;
/// 6. upsampling to H × W when working at half resolution.
/// Stateful (the EMA state); one instance per stream. Not thread-safe.
public final class ExposureMasker {
  /// Validated parameters.
  public let params: MaskParams
  private let raw: RawExposureMask
  /// EMA state [2, h, w] from the previous frame; valid when `hasPrevious`.
  private var previous: FlaggedPlanes?
  private var hasPrevious = false
  /// Ping-pong working images [2, h, w], reused across frames.
  private var work: FlaggedPlanes?
  private var scratch: FlaggedPlanes?
  /// Recycles output masks once every frame has let go of them: an image a frame still carries is never
  /// handed out again. Large enough for the longest temporal window (2 masks per frame, ±4 frames of shadow
  /// window plus look-ahead).
  private let output = MaskPool(capacity: 64)

  /// Creates a masker; throws ``ParameterError`` when `params` is out of range.
  public init(params: MaskParams = MaskParams()) throws {
    try params.validate()
    self.params = params
    raw = RawExposureMask(params: params)
  }

  /// Forgets the temporal state (the next frame is treated as a stream start).
  public func reset() { hasPrevious = false }

  /// Computes the masks of one frame.
  ///
  /// Each square filter (closing, blur, opening/closing) is one pass over memory (``SquareFilter`` row
  /// kernels), the EMA runs on each row as the closing finishes it, rows whose whole input window is zero are
  /// skipped (per-row flags), and working and output images are reused, so a steady stream allocates nothing
  /// large. The returned masks are shared read-only: the masker reuses an image once no frame holds it.
  /// - Parameters:
  ///   - signal: non-linear R'G'B' [3, H, W] in 0...1.
  ///   - isSceneCut: resets the temporal state before this frame.
  /// - Returns: over and under masks, [1, H, W] each, in 0...1.
  public func compute(signal: PlanarImage, isSceneCut: Bool = false) -> ExposureMasks {
    let w = signal.width, h = signal.height
    let half = params.halfResolution && w >= 16 && h >= 16
    let s = half ? 2 : 1
    let ww = (w + s - 1) / s, wh = (h + s - 1) / s
    func scaled(_ r: Int) -> Int { half ? (r + 1) / 2 : r }
    if isSceneCut { hasPrevious = false }
    if let p = previous, p.width != ww || p.height != wh { hasPrevious = false }
    var m = buffer(&work, ww, wh), t = buffer(&scratch, ww, wh)
    let prev = buffer(&previous, ww, wh)

    // 1. Raw masks.
    raw.compute(signal: signal, into: m.image, scale: s, rowFlags: m.flags)
    // 2–3. Closing; the temporal EMA runs on each row as the closing's last pass writes it (the state is kept
    // before the spatial smoothing).
    let a = params.temporalWeight
    let blend = hasPrevious
    let ema: (Int, Int, UnsafeMutablePointer<Float>, Bool) -> Bool = { c, y, row, nz in
      let i = c * wh + y
      let pnz = prev.flags[i] != 0
      let pr = prev.image.row(c, y)
      if blend {
        if !nz && !pnz { return false }
        for x in 0..<ww {
          let v = a * row[x] + (1 - a) * pr[x]
          row[x] = v
          pr[x] = v
        }
        prev.flags[i] = 1
        return true
      }
      if nz {
        pr.update(from: row, count: ww)
      } else if pnz {
        pr.update(repeating: 0, count: ww)
      }
      prev.flags[i] = nz ? 1 : 0
      return nz
    }
    let mr = scaled(params.morphologyRadiusPixels)
    if mr > 0 {
      Self.extremum(.dilate, m, radius: mr, into: t)
      Self.extremum(.erode, t, radius: mr, into: m, epilogue: ema)
    } else {
      Parallel.forRanges(2 * wh, minChunk: 8) { st, en in
        for i in st..<en {
          let c = i / wh, y = i % wh
          m.flags[i] = ema(c, y, m.image.row(c, y), m.flags[i] != 0) ? 1 : 0
        }
      }
    }
    hasPrevious = true
    // 4. Blur.
    let br = scaled(params.blurRadiusPixels)
    if br > 0 {
      let k = GaussianBlur.weights(sigma: 0.3 * Float(br - 1) + 0.8, radius: br)
      k.withUnsafeBufferPointer { kb in
        let kp = kb.baseAddress!
        Self.pass(m, t, radius: br) { plane, y, buf, d in
          SquareFilter.gaussianRow(plane, width: ww, height: wh, y: y, kernel: kp, radius: br, buffer: buf, into: d)
        }
      }
      swap(&m, &t)
    }
    // 5. Opening then closing: erode(r), dilate(2r), erode(r).
    let sr = scaled(params.smoothingMorphologyRadiusPixels)
    if sr > 0 {
      Self.extremum(.erode, m, radius: sr, into: t)
      Self.extremum(.dilate, t, radius: 2 * sr, into: m)
      Self.extremum(.erode, m, radius: sr, into: t)
      swap(&m, &t)
    }
    // 6. Split (and upsample) into the two output planes.
    let over = output.take(width: w, height: h), under = output.take(width: w, height: h)
    Self.emit(m, plane: 0, half: half, into: over)
    Self.emit(m, plane: 1, half: half, into: under)
    return ExposureMasks(over: over.image, under: under.image)
  }

  /// A cached [2, h, w] buffer, reallocated when the size changes.
  private func buffer(_ slot: inout FlaggedPlanes?, _ w: Int, _ h: Int) -> FlaggedPlanes {
    if let b = slot, b.width == w, b.height == h { return b }
    let b = FlaggedPlanes(width: w, height: h, channels: 2)
    slot = b
    return b
  }

  /// One flagged pass of a square row kernel of radius r: rows whose input window is all zero are cleared (or
  /// left alone when already zero) instead of computed; `epilogue(c, y, row, nonzero)` may rewrite a finished
  /// row and returns its new flag.
  static func pass(
    _ src: FlaggedPlanes, _ dst: FlaggedPlanes, radius r: Int,
    epilogue: ((Int, Int, UnsafeMutablePointer<Float>, Bool) -> Bool)? = nil,
    _ kernel: (UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void
  ) {
    let w = src.width, h = src.height, channels = src.image.channels
    Parallel.forRanges(channels * h, minChunk: 8) { start, end in
      let buf = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 * r + 8)
      defer { buf.deallocate() }
      for i in start..<end {
        let c = i / h, y = i % h
        let d = dst.image.row(c, y)
        var nz = false
        if src.anyRow(c, y - r, y + r) {
          kernel(src.image.plane(c), y, buf, d)
          nz = SquareFilter.anyPositive(d, count: w)
        } else if dst.flags[i] != 0 {
          d.update(repeating: 0, count: w)
        }
        if let epilogue { nz = epilogue(c, y, d, nz) }
        dst.flags[i] = nz ? 1 : 0
      }
    }
  }

  static func extremum(
    _ op: Morphology.Operation, _ src: FlaggedPlanes, radius r: Int, into dst: FlaggedPlanes,
    epilogue: ((Int, Int, UnsafeMutablePointer<Float>, Bool) -> Bool)? = nil
  ) {
    let w = src.width, h = src.height, isMax = op == .dilate
    pass(src, dst, radius: r, epilogue: epilogue) { plane, y, buf, d in
      SquareFilter.extremumRow(plane, width: w, height: h, y: y, radius: r, isMax: isMax, buffer: buf, into: d)
    }
  }

  /// Plane `c` of `m` into the [1, H, W] output, bilinearly 2× upsampled when `half` (as
  /// ``Pyramid/upsamplePlane(_:width:height:into:width:height:)``); zero source rows give zero rows, written
  /// only when the recycled output row is not already zero.
  static func emit(_ m: FlaggedPlanes, plane c: Int, half: Bool, into out: FlaggedPlanes) {
    let cw = m.width, chh = m.height, fw = out.width, fh = out.height
    let src = m.image.plane(c), dst = out.image.data
    Parallel.forRanges(fh, minChunk: 8) { start, end in
      let v = UnsafeMutablePointer<Float>.allocate(capacity: cw + 2)
      defer { v.deallocate() }
      for y in start..<end {
        let d = dst + y * fw
        if !half {
          if m.flags[c * chh + y] != 0 {
            d.update(from: src + y * cw, count: fw)
            out.flags[y] = 1
          } else if out.flags[y] != 0 {
            d.update(repeating: 0, count: fw)
            out.flags[y] = 0
          }
          continue
        }
        let iy = y / 2
        let ny = y % 2 == 0 ? max(iy - 1, 0) : min(iy + 1, chh - 1)
        if m.flags[c * chh + iy] == 0 && m.flags[c * chh + ny] == 0 {
          if out.flags[y] != 0 {
            d.update(repeating: 0, count: fw)
            out.flags[y] = 0
          }
          continue
        }
        out.flags[y] = 1
        let a = src + iy * cw, b = src + ny * cw
        Pyramid.upsampleRow(a, b, coarseWidth: cw, into: d, fineWidth: fw, scratch: v)
      }
    }
  }
}
