import Imaging
import NN

#if canImport(Glibc)
  import Glibc
#endif

/// Applies a low-resolution log2 gain map to the full-resolution linear frame with guided upsampling.
///
/// Fast guided filter (He & Sun 2015, "Fast Guided Filter", arXiv:1505.00996) used as a joint
/// upsampler: the guide is the frame's log-encoded BT.709 luminance, I = log2(Y + 2⁻¹²)/12 + 1. At the
/// gain's resolution, per box window of radius r, the gain p is fitted as a·I + b
/// (a = cov(I, p)/(var(I) + ε), b = mean(p) − a·mean(I)); mean(a) and mean(b) are upsampled
/// bilinearly and evaluated with the full-resolution guide, so gain edges snap to luminance edges
/// instead of being smeared over the 4× upsampling. The gain is centred on its global mean before the
/// fit, so a constant gain is reproduced exactly and a zero gain leaves the frame bit-identical.
public struct GainMapApplier: Sendable {
  /// Upsampling parameters.
  public struct Params: Sendable, Equatable {
    /// Box radius r of the fit, in low-resolution pixels. Range 1…8, default 2. Larger = smoother
    /// gain inside flat regions, wider reach for edge snapping.
    public var radius: Int = 2
    /// Regulariser ε in squared guide units (guide 1/12 per stop). Range 1e-5…1e-1, default 1e-3.
    /// Smaller = gain follows weaker luminance edges; larger = closer to plain bilinear.
    public var epsilon: Float = 1e-3

    /// The defaults above.
    public static let `default` = Params()

    /// Parameters with the given fields.
    public init(radius: Int = 2, epsilon: Float = 1e-3) {
      self.radius = radius
      self.epsilon = epsilon
    }
  }

  /// The parameters, clamped to their ranges.
  public let params: Params

  /// An applier with `params` clamped to the documented ranges.
  public init(params: Params = .default) {
    self.params = Params(radius: min(max(params.radius, 1), 8), epsilon: min(max(params.epsilon, 1e-5), 1e-1))
  }

  /// Returns `image` [3, H, W] (linear) scaled per pixel by 2^gain, with `gain` [1, 1, h, w] upsampled.
  public func apply(gain: Tensor, to image: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: image.width, height: image.height, channels: image.channels)
    apply(gain: gain, to: image, into: out)
    return out
  }

  /// Writes `image` [3, H, W] scaled by 2^gain into `dst` (same shape; may be `image` itself).
  public func apply(gain: Tensor, to image: PlanarImage, into dst: PlanarImage) {
    precondition(image.hasSameShape(as: dst), "GainMapApplier needs equal source and destination shapes")
    let factor = upsampledGain(gain, guide: image)
    let n = image.planeSize
    let f = factor.data
    let r = image.plane(0), g = image.plane(1), b = image.plane(2)
    let dr = dst.plane(0), dg = dst.plane(1), db = dst.plane(2)
    // One exp2 per pixel, shared by the three planes (exp2(0) = 1 exactly: zero gain is a no-op).
    Parallel.forRanges(n, minChunk: 8192) { s, e in
      for i in s..<e {
        let k = exp2f(f[i])
        dr[i] = r[i] * k
        dg[i] = g[i] * k
        db[i] = b[i] * k
      }
    }
  }

  /// The log2 gain [1, H, W] at the resolution of `guide` ([3, H, W] linear frame), from `gain` [1, 1, h, w].
  public func upsampledGain(_ gain: Tensor, guide image: PlanarImage) -> PlanarImage {
    upsampledGain(gain, guide: image, scratch: GainMapScratch())
  }

  /// As ``upsampledGain(_:guide:)``, with the full-resolution buffers kept in `scratch` across frames (no
  /// allocation per frame once the size is set). The returned plane belongs to `scratch` and is
  /// overwritten by its next use.
  public func upsampledGain(_ gain: Tensor, guide image: PlanarImage, scratch: GainMapScratch) -> PlanarImage {
    let gs = gain.shape
    precondition(gs.n == 1 && gs.c == 1, "gain must be [1, 1, h, w], got \(gs)")
    precondition(image.channels == 3, "GainMapApplier needs an RGB frame")
    let w = image.width, h = image.height, lw = gs.w, lh = gs.h
    scratch.prepare(width: w, height: h)

    // MARK: Guide at full and low resolution
    let guide = scratch.guide, blurred = scratch.blurred
    LogLuminanceGuide.compute(image, into: guide)
    let reach = min(w / lw, h / lh) / 2
    if reach > 0 {
      BoxBlur.apply(guide, radius: reach, into: blurred, scratch: scratch.out)
    } else {
      blurred.assign(from: guide)
    }
    let lowGuide = BilinearResize.resize(blurred, width: lw, height: lh)

    // MARK: Centre the gain (exact constants) and fit p ≈ a·I + b per window
    let m = lw * lh
    let p = PlanarImage(width: lw, height: lh, channels: 1)
    var total = 0.0
    for i in 0..<m { total += Double(gain.data[i]) }
    let mean = Float(total / Double(m))
    for i in 0..<m { p.data[i] = gain.data[i] - mean }
    let (a, b) = GuidedFilter.coefficients(guide: lowGuide, p, radius: params.radius, epsilon: params.epsilon)

    // MARK: Evaluate bilinear(a)·I + bilinear(b) + mean with the full-resolution guide, row by row
    // (the same sampling as BilinearResize: pixel centres, edges clamped; no full-size a and b planes).
    let out = scratch.out
    let scaleX = Float(lw) / Float(w), scaleY = Float(lh) / Float(h)
    let x0 = UnsafeMutablePointer<Int32>.allocate(capacity: w)
    let x1 = UnsafeMutablePointer<Int32>.allocate(capacity: w)
    let fx = UnsafeMutablePointer<Float>.allocate(capacity: w)
    defer { x0.deallocate(); x1.deallocate(); fx.deallocate() }
    for x in 0..<w {
      let t = BilinearResize.sourceTap(x, scale: scaleX, size: lw)
      x0[x] = Int32(t.i0)
      x1[x] = Int32(t.i1)
      fx[x] = t.f
    }
    Parallel.forRanges(h, minChunk: 8) { start, end in
      let ta = UnsafeMutablePointer<Float>.allocate(capacity: 2 * lw)
      defer { ta.deallocate() }
      let tb = ta + lw
      for y in start..<end {
        let (iy, iy1, fy) = BilinearResize.sourceTap(y, scale: scaleY, size: lh)
        let a0 = a.row(0, iy), a1 = a.row(0, iy1), b0 = b.row(0, iy), b1 = b.row(0, iy1)
        for x in 0..<lw {
          ta[x] = a0[x] + (a1[x] - a0[x]) * fy
          tb[x] = b0[x] + (b1[x] - b0[x]) * fy
        }
        let g = guide.row(0, y), o = out.row(0, y)
        for x in 0..<w {
          let i0 = Int(x0[x]), i1 = Int(x1[x]), f = fx[x]
          let av = ta[i0] + (ta[i1] - ta[i0]) * f
          let bv = tb[i0] + (tb[i1] - tb[i0]) * f
          o[x] = (av * g[x] + bv) + mean
        }
      }
    }
    return out
  }
}

/// Full-resolution buffers of ``GainMapApplier``, reused across frames of one size. Not thread-safe: one
/// per stream.
public final class GainMapScratch {
  var guide = PlanarImage(width: 1, height: 1, channels: 1)
  var blurred = PlanarImage(width: 1, height: 1, channels: 1)
  var out = PlanarImage(width: 1, height: 1, channels: 1)

  public init() {}

  func prepare(width: Int, height: Int) {
    if guide.width == width && guide.height == height { return }
    guide = PlanarImage(width: width, height: height, channels: 1)
    blurred = PlanarImage(width: width, height: height, channels: 1)
    out = PlanarImage(width: width, height: height, channels: 1)
  }
}
