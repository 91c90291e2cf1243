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
    let gs = gain.shape
    precondition(gs.n == 1 && gs.c == 1, "gain must be [1, 1, h, w], got \(gs)")
    precondition(image.channels == 3, "GainMapApplier needs an RGB frame")
    let w = image.width, h = image.height, lw = gs.w, lh = gs.h

    // MARK: Guide at full and low resolution
    let guide = Self.logLuminance(image)
    let blurred = PlanarImage(width: w, height: h, channels: 1)
    let reach = min(w / lw, h / lh) / 2
    if reach > 0 {
      BoxBlur.apply(guide, radius: reach, into: blurred)
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
    let (a, b) = fit(guide: lowGuide, p)

    // MARK: Upsample the coefficients and evaluate with the full-resolution guide
    let bigA = BilinearResize.resize(a, width: w, height: h)
    let bigB = BilinearResize.resize(b, width: w, height: h)
    let out = PlanarImage(width: w, height: h, channels: 1)
    let o = out.data, ga = bigA.data, gb = bigB.data, gi = guide.data
    Parallel.forRanges(w * h, minChunk: 8192) { s, e in
      for i in s..<e { o[i] = (ga[i] * gi[i] + gb[i]) + mean }
    }
    return out
  }

  // MARK: - Private

  /// Box-mean coefficients (mean a, mean b) of the guided-filter fit of `p` to `guide` (both [1, h, w]).
  private func fit(guide: PlanarImage, _ p: PlanarImage) -> (PlanarImage, PlanarImage) {
    let w = p.width, h = p.height, n = w * h, r = params.radius, eps = params.epsilon
    func plane() -> PlanarImage { PlanarImage(width: w, height: h, channels: 1) }
    let scratch = plane(), meanI = plane(), meanP = plane(), corrII = plane(), corrIP = plane()
    let a = plane(), b = plane()
    for i in 0..<n {
      corrII.data[i] = guide.data[i] * guide.data[i]
      corrIP.data[i] = guide.data[i] * p.data[i]
    }
    BoxBlur.apply(guide, radius: r, into: meanI, scratch: scratch)
    BoxBlur.apply(p, radius: r, into: meanP, scratch: scratch)
    BoxBlur.apply(corrII, radius: r, into: corrII, scratch: scratch)
    BoxBlur.apply(corrIP, radius: r, into: corrIP, scratch: scratch)
    for i in 0..<n {
      let mi = meanI.data[i], mp = meanP.data[i]
      let ai = (corrIP.data[i] - mi * mp) / (max(corrII.data[i] - mi * mi, 0) + eps)
      a.data[i] = ai
      b.data[i] = mp - ai * mi
    }
    BoxBlur.apply(a, radius: r, into: a, scratch: scratch)
    BoxBlur.apply(b, radius: r, into: b, scratch: scratch)
    return (a, b)
  }

  /// log2(Y + 2⁻¹²)/12 + 1 of BT.709 luminance Y (negative values clamped to 0), [1, H, W].
  static func logLuminance(_ image: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: image.width, height: image.height, channels: 1)
    let r = image.plane(0), g = image.plane(1), b = image.plane(2), o = out.data
    let floor = REHDRInput.logFloor
    Parallel.forRanges(image.planeSize, minChunk: 8192) { s, e in
      for i in s..<e {
        let y = max(0.2126 * r[i] + 0.7152 * g[i] + 0.0722 * b[i], 0)
        o[i] = log2f(y + floor) / 12 + 1
      }
    }
    return out
  }
}
