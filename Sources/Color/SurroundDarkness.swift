import Imaging
import VectorMath

/// How dark the unclipped surroundings of each pixel are: the weight of `recover`'s clipped lift.
///
/// At a working height of at most 128 rows (area-downscaled), with m the over-exposure mask, u = 1 − m and
/// q = 1 − min(Y, 1)^(1/2.4) (the darkness of a pixel's BT.1886-coded luminance, ITU-R BT.1886 γ 2.4):
///
///     D = G_σ(u·q) / G_σ(u),   s = clamp((D − from) / (to − from), 0, 1)
///
/// G_σ a Gaussian of σ = `sigmaPerHeightPercent` % of the frame height. D is filled by push-pull with weights
/// G_σ(u) (``PushPull``: P = G_σ(u·q), W = G_σ(u)), so where few or no unclipped pixels lie within reach, the
/// inside of a large window takes the darkness of its farther surroundings; a frame without an unclipped pixel
/// gets s = 0. s is bilinearly upsampled to the frame.
public struct SurroundDarkness: Sendable {
  public let sigmaPerHeightPercent: Float
  public let from: Float
  public let to: Float
  /// Rows of the working frame the darkness is measured on (fewer when the frame has fewer).
  public static let workingHeight = 128

  public init(sigmaPerHeightPercent: Float, from: Float, to: Float) {
    self.sigmaPerHeightPercent = sigmaPerHeightPercent
    self.from = from
    self.to = max(to, from + 1e-6)
  }

  /// s at the working size, for a linear frame `image` [3, H, W] and its over mask `over` [1, H, W].
  public func weights(image: PlanarImage, over: PlanarImage) -> PlanarImage {
    let h = min(image.height, Self.workingHeight)
    let w = max(1, Int((Float(image.width) * Float(h) / Float(image.height)).rounded()))
    let small = AreaResize.resize(image, width: w, height: h)
    let m = AreaResize.resize(over, width: w, height: h)
    let n = w * h
    // Push-pull's premultiplied values P = G_σ(u·q) and weights W = G_σ(u).
    let values = PlanarImage(width: w, height: h, channels: 1), weights = PlanarImage(width: w, height: h, channels: 1)
    let r = small.plane(0), g = small.plane(1), b = small.plane(2), mp = m.plane(0)
    let uq = values.plane(0), u = weights.plane(0)
    var i = 0
    while i < n {  // eight at a time, the tail in a partly filled vector
      var y = SIMD8<Float>(), unclipped = SIMD8<Float>()
      for k in 0..<min(8, n - i) {
        let j = i + k
        y[k] = min(max(ExpansionApplier.wr * r[j] + ExpansionApplier.wg * g[j] + ExpansionApplier.wb * b[j], 0), 1)
        unclipped[k] = 1 - min(max(mp[j], 0), 1)
      }
      // ITU-R BT.1886 γ 2.4: the coded value of the luminance.
      let coded = SIMDMath.pow(y, 1 / 2.4).replacing(with: 0, where: y .<= 0)
      let dark = unclipped * (1 - coded)
      for k in 0..<min(8, n - i) { u[i + k] = unclipped[k]; uq[i + k] = dark[k] }
      i += 8
    }
    let sigma = sigmaPerHeightPercent / 100 * Float(h)
    GaussianBlur.apply(values, sigma: sigma, into: values)
    GaussianBlur.apply(weights, sigma: sigma, into: weights)
    let s = PushPull.fill(premultiplied: values, weights: weights)
    let sp = s.plane(0), inv = 1 / (to - from)
    for i in 0..<n { sp[i] = min(max((sp[i] - from) * inv, 0), 1) }
    return s
  }

  /// Where the lift starts on a pixel's smallest channel: it reaches full weight when all three reach SDR
  /// white (1), so a dark pixel the blurred mask reaches beside a clipped region (a window frame) and a
  /// full-code secondary (a yellow bar: one channel at 0) keep their level.
  public static let whiteRampFrom: Float = 0.9

  /// m·s·c at the frame's size: the over mask weighted by the surroundings' darkness, c = clamp((min(R, G, B) −
  /// ``whiteRampFrom``) / (1 − ``whiteRampFrom``), 0, 1) of `image`.
  public func weightedMask(_ over: PlanarImage, image: PlanarImage) -> PlanarImage {
    let s = weights(image: image, over: over)
    let full = s.width == over.width && s.height == over.height
      ? s : BilinearResize.resize(s, width: over.width, height: over.height)
    let out = PlanarImage(width: over.width, height: over.height, channels: 1)
    let o = out.plane(0), mp = over.plane(0), fp = full.plane(0)
    let r = image.plane(0), g = image.plane(1), b = image.plane(2)
    let lo = Self.whiteRampFrom, inv = 1 / (1 - Self.whiteRampFrom)
    Parallel.forRanges(over.planeSize, minChunk: 16384) { start, end in
      for i in start..<end where mp[i] > 0 {
        let c = min(max((min(r[i], min(g[i], b[i])) - lo) * inv, 0), 1)
        o[i] = mp[i] * fp[i] * c
      }
    }
    return out
  }
}
