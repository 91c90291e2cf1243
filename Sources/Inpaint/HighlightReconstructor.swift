import Imaging
import Dispatch
public var _tprobe: [String: Double] = [:]
@inline(never) func _probe(_ k: String, _ t0: inout UInt64) { let t = DispatchTime.now().uptimeNanoseconds; _tprobe[k, default: 0] += Double(t - t0) / 1e6; t0 = t }

/// Rebuilds clipped highlights of a linear frame: partly clipped channels from the unclipped ones, fully
/// clipped regions by multiscale guided diffusion in Log-Gamma space.
///
/// Steps (all in place on the [3, H, W] linear BT.709 image; only pixels with a channel ≥ `clipLinear` change):
/// 1. classify pixels by their number of clipped channels (``ClipMap``);
/// 2. learn local chroma ratios on the unclipped bright ring around clipped pixels (``ChromaField``);
/// 3. partly clipped pixels: scale = Σ unclipped values / Σ their ratios, clipped channel c ← k_c·scale
///    (mixed with the mean of the unclipped channels by 1 − `chromaCarry`), never below its recorded value;
/// 4. fully clipped regions: intensity (R+G+B)/3 in Log-Gamma is filled by ``PoissonFill`` from the boundary,
///    guided by the surrounding gradients pushed inwards (so a clipped dome keeps rising), clamped to
///    [recorded, `fillPeakLinear`]; channels follow the chroma ratios;
/// 5. each change is blended by the over-exposure mask when one is given.
/// Holds only scratch buffers (no temporal state). Not thread-safe.
public final class HighlightReconstructor {
  /// Validated parameters.
  public let params: HighlightParams
  private var map: ClipMap?

  /// Creates a reconstructor; throws ``ParameterError`` when `params` is out of range.
  public init(params: HighlightParams = HighlightParams()) throws {
    try params.validate()
    self.params = params
  }

  /// Reconstructs clipped highlights of `image` ([3, H, W] linear) in place.
  /// - Parameter overMask: [1, H, W] blend weight in 0...1 (nil = 1 everywhere).
  public func apply(to image: PlanarImage, overMask: PlanarImage? = nil) {
    guard params.enabled, image.channels >= 3 else { return }
    if let m = overMask { precondition(m.width == image.width && m.height == image.height, "mask size") }
    let w = image.width, h = image.height
    let map: ClipMap
    if let m = self.map, m.width == w, m.height == h {
      map = m
    } else {
      map = ClipMap(width: w, height: h)
      self.map = map
    }
    var t0 = DispatchTime.now().uptimeNanoseconds
    map.classify(image, clip: params.clipLinear)
    _probe("classify", &t0)
    if map.anyBox.isEmpty { return }
    let chroma = ChromaField(
      image: image, map: map, clip: params.clipLinear, box: map.anyBox.expanded(by: 64, width: w, height: h))
    _probe("chroma", &t0)
    rebuildPartlyClipped(image, map, chroma, overMask)
    _probe("partial", &t0)
    if !map.allBox.isEmpty { fillFullyClipped(image, map, chroma, overMask) }
  }

  // MARK: - Partly clipped pixels

  private func rebuildPartlyClipped(_ image: PlanarImage, _ map: ClipMap, _ chroma: ChromaField, _ mask: PlanarImage?) {
    let box = map.anyBox, w = image.width
    let clip = params.clipLinear, carry = params.chromaCarry, peak = params.fillPeakLinear
    Parallel.forRanges(box.height, minChunk: 8) { start, end in
      for y in (box.y0 + start)..<(box.y0 + end) {
        let rows = (image.row(0, y), image.row(1, y), image.row(2, y))
        let counts = map.counts + y * w
        let m = mask?.row(0, y)
        for x in box.x0...box.x1 {
          let n = counts[x]
          if n == 0 || n == 3 { continue }
          let v = SIMD3<Float>(rows.0[x], rows.1[x], rows.2[x])
          let k = chroma.sample(x, y)
          let clipped = v .>= clip
          let keep = SIMD3<Float>(repeating: 1).replacing(with: 0, where: clipped)
          let sumU = (v * keep).sum(), sumK = (k * keep).sum()
          let meanU = sumU / keep.sum()
          let scale = sumU / max(sumK, 1e-3)
          var est = carry * k * scale + (1 - carry) * meanU
          est = est.replacing(with: v, where: est .< v)
          est = est.replacing(with: max(peak, clip), where: est .> max(peak, clip))
          let a = m?[x] ?? 1
          let out = v + a * (est - v)
          if clipped[0] { rows.0[x] = out[0] }
          if clipped[1] { rows.1[x] = out[1] }
          if clipped[2] { rows.2[x] = out[2] }
        }
      }
    }
  }

  // MARK: - Fully clipped regions

  private func fillFullyClipped(_ image: PlanarImage, _ map: ClipMap, _ chroma: ChromaField, _ mask: PlanarImage?) {
    let box = map.allBox.expanded(by: 8, width: image.width, height: image.height)
    let cw = box.width, ch = box.height, fullW = image.width
    let e = PlanarImage(width: cw, height: ch, channels: 1)
    let unknown = PlanarImage(width: cw, height: ch, channels: 1)
    // 1. Intensity in Log-Gamma and the unknown mask over the crop.
    Parallel.forRanges(ch, minChunk: 8) { start, end in
      for y in start..<end {
        let fy = y + box.y0
        let r = image.row(0, fy) + box.x0, g = image.row(1, fy) + box.x0, b = image.row(2, fy) + box.x0
        let er = e.row(0, y), ur = unknown.row(0, y)
        let counts = map.counts + fy * fullW + box.x0
        var x = 0
        while x < cw {
          var lanes = SIMD8<Float>(repeating: 0)
          let n = min(8, cw - x)
          for i in 0..<n { lanes[i] = (r[x + i] + g[x + i] + b[x + i]) * (1.0 / 3) }
          let enc = LogGammaLanes.encode(lanes)
          for i in 0..<n {
            er[x + i] = enc[i]
            ur[x + i] = counts[x + i] == 3 ? 1 : 0
          }
          x += 8
        }
      }
    }
    var t0 = DispatchTime.now().uptimeNanoseconds
    let recorded = e.copy()
    // 2. Guidance: known forward differences, pushed into the unknown region.
    _probe("encode", &t0)
    let (gx, gy) = guidance(e, unknown)
    _probe("guidance", &t0)
    // 3. Multiscale fill.
    let solver = PoissonFill(iterations: params.diffusionIterations, coarsestSize: params.coarsestSizePixels)
    solver.solve(values: e, unknown: unknown, gx: gx, gy: gy)
    _probe("solve", &t0)
    // 4. Back to linear RGB for the unknown pixels.
    let carry = params.chromaCarry, peak = params.fillPeakLinear
    let ePeak = LogGammaLanes.encode(peak)
    Parallel.forRanges(ch, minChunk: 8) { start, end in
      let lin = UnsafeMutablePointer<Float>.allocate(capacity: cw + 8)
      defer { lin.deallocate() }
      for y in start..<end {
        let fy = y + box.y0
        let er = e.row(0, y), rec = recorded.row(0, y), ur = unknown.row(0, y)
        var x = 0
        while x + 8 <= cw {
          let ev = SIMDMath.max(SIMDMath.min(SIMDLoad.load8(er + x), SIMD8(repeating: ePeak)), SIMDLoad.load8(rec + x))
          SIMDLoad.store8(LogGammaLanes.decode(ev), lin + x)
          x += 8
        }
        while x < cw {
          lin[x] = LogGammaLanes.decode(max(min(er[x], ePeak), rec[x]))
          x += 1
        }
        let rows = (image.row(0, fy), image.row(1, fy), image.row(2, fy))
        let m = mask?.row(0, fy)
        for x in 0..<cw where ur[x] > 0 {
          let fx = x + box.x0
          let k = chroma.sample(fx, fy)
          let v = SIMD3<Float>(rows.0[fx], rows.1[fx], rows.2[fx])
          let target = (carry * 3 * k + (1 - carry)) * lin[x]
          var est = target.replacing(with: peak, where: target .> peak)
          est = est.replacing(with: v, where: est .< v)
          let out = v + (m?[fx] ?? 1) * (est - v)
          rows.0[fx] = out[0]
          rows.1[fx] = out[1]
          rows.2[fx] = out[2]
        }
      }
    }
    _probe("decode", &t0)
  }

  /// Forward differences of `e` between known pixels, filled over unknown edges by push-pull; zero on the
  /// last column (gx) / row (gy). Returns [1, H, W] planes.
  private func guidance(_ e: PlanarImage, _ unknown: PlanarImage) -> (PlanarImage, PlanarImage) {
    let w = e.width, h = e.height
    let values = PlanarImage(width: w, height: h, channels: 2)
    let weights = PlanarImage(width: w, height: h, channels: 2)
    Parallel.forRanges(h, minChunk: 8) { start, end in
      for y in start..<end {
        let er = e.row(0, y), ur = unknown.row(0, y)
        let vx = values.row(0, y), vy = values.row(1, y), wx = weights.row(0, y), wy = weights.row(1, y)
        let en: UnsafeMutablePointer<Float>? = y + 1 < h ? e.row(0, y + 1) : nil
        let un: UnsafeMutablePointer<Float>? = y + 1 < h ? unknown.row(0, y + 1) : nil
        for x in 0..<w where ur[x] == 0 {
          if x + 1 < w && ur[x + 1] == 0 {
            vx[x] = er[x + 1] - er[x]
            wx[x] = 1
          }
          if let en, let un, un[x] == 0 {
            vy[x] = en[x] - er[x]
            wy[x] = 1
          }
        }
      }
    }
    let filled = PushPull.fill(premultiplied: values, weights: weights)
    let gx = PlanarImage(width: w, height: h, channels: 1), gy = PlanarImage(width: w, height: h, channels: 1)
    gx.data.update(from: filled.plane(0), count: w * h)
    gy.data.update(from: filled.plane(1), count: w * h)
    for y in 0..<h { gx.row(0, y)[w - 1] = 0 }
    gy.row(0, h - 1).update(repeating: 0, count: w)
    return (gx, gy)
  }
}
