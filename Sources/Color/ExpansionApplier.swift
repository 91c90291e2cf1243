import Imaging
import VectorMath

/// Applies the inverse tone map to a linear frame in place (see ``InverseToneMap``).
///
/// Per pixel: Y = BT.709 luminance of the linear frame; over-exposure mask m pushes Y toward SDR white,
/// Y_eff = Y + maskDrive·m·max(0, 1 − Y), so clipped regions reach the peak; the output is RGB·g with
/// g = min(f(Y_eff)/Y, P/max(R, G, B)): hue kept, and no channel pushed past the peak P (a saturated
/// reconstructed highlight would otherwise leave the mastering range).
public struct ExpansionApplier: Sendable {
  public let curve: InverseToneMap
  public let maskDrive: Float
  /// The curve's exponent as whole powers plus an optional square root when it is a multiple of ½ (the
  /// default 2.5 = t²·√t), so the SIMD path needs no exp/log; nil otherwise.
  let halfPower: HalfPower?

  struct HalfPower: Sendable {
    let whole: Int
    let sqrt: Bool
  }

  public init(params: ExpansionParams, peakNits: Float, referenceWhiteNits: Float) {
    curve = InverseToneMap(params: params, peakNits: peakNits, referenceWhiteNits: referenceWhiteNits)
    maskDrive = params.maskDrive
    let twice = 2 * curve.exponent
    halfPower = twice == twice.rounded() && twice >= 0 && twice <= 32
      ? HalfPower(whole: Int(twice) / 2, sqrt: Int(twice) % 2 == 1) : nil
  }

  /// Whether applying changes nothing.
  public var isIdentity: Bool { curve.isIdentity }

  /// Expands `image` ([3, H, W] linear) in place, driven by `overMask` ([1, H, W]) when given.
  public func apply(to img: PlanarImage, overMask: PlanarImage?) {
    let n = img.planeSize
    let r = img.plane(0), g = img.plane(1), b = img.plane(2)
    let mask: UnsafeMutablePointer<Float>? = overMask?.plane(0)
    let curve = self.curve
    let drive = maskDrive
    let k = Constants(curve: curve, drive: drive, halfPower: halfPower)
    Parallel.forRanges(n, minChunk: 16384) { start, end in
      var i = start
      while i + 8 <= end {
        Self.apply8(r + i, g + i, b + i, mask.map { $0 + i }, k)
        i += 8
      }
      while i < end {
        Self.apply1(r + i, g + i, b + i, mask.map { $0 + i }, curve, drive)
        i += 1
      }
    }
  }

  // BT.709 luma weights on linear light (ITU-R BT.709 item 3.2).
  static let wr: Float = 0.2126, wg: Float = 0.7152, wb: Float = 0.0722

  /// Per-frame constants of the SIMD path.
  struct Constants {
    let knee: Float, peak: Float, invRange: Float, slope: Float, drive: Float, exponent: Float
    /// t^p as t^whole·(√t if `sqrt`) when `byParts`, else by ``SIMDMath/pow(_:_:)``.
    let byParts: Bool, whole: Int, sqrt: Bool

    init(curve: InverseToneMap, drive: Float, halfPower: HalfPower?) {
      knee = curve.knee
      peak = curve.peak
      invRange = 1 / (1 - curve.knee)
      slope = curve.peak > curve.knee ? (1 - curve.knee) / (curve.peak - curve.knee) : 1
      self.drive = drive
      exponent = curve.exponent
      byParts = halfPower != nil
      whole = halfPower?.whole ?? 0
      sqrt = halfPower?.sqrt ?? false
    }
  }

  /// Eight pixels at once; pixels below the knee and within the peak are left untouched (not rewritten).
  /// The curve is ``InverseToneMap/map(_:)`` per lane.
  @inline(__always)
  static func apply8(
    _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
    _ mask: UnsafeMutablePointer<Float>?, _ k: Constants
  ) {
    typealias V = SIMD8<Float>
    let rv = SIMDLoad.load8(r), gv = SIMDLoad.load8(g), bv = SIMDLoad.load8(b)
    let y = wr * rv + wg * gv + wb * bv
    var yEff = y
    if let mask { yEff += k.drive * SIMDLoad.load8(mask) * SIMDMath.max(V(repeating: 0), 1 - y) }
    let top = SIMDMath.max(SIMDMath.max(rv, gv), bv)
    let change = (yEff .> k.knee) .| (top .> k.peak)
    if !any(change) { return }
    // mapped = f(yEff).
    let t = (yEff - k.knee) * k.invRange
    var tp: V
    if k.byParts {
      let tc = SIMDMath.max(t, V(repeating: 0))
      tp = k.sqrt ? tc.squareRoot() : V(repeating: 1)
      var n = 0
      while n < k.whole { tp *= tc; n += 1 }
    } else {
      tp = SIMDMath.pow(t, k.exponent)
    }
    let mid = k.knee + (k.peak - k.knee) * (k.slope * t + (1 - k.slope) * tp)
    let mapped = mid.replacing(with: k.peak, where: t .>= 1).replacing(with: yEff, where: yEff .<= k.knee)
    let lit = y .> 1e-6
    // gain = min(mapped/y, peak/max(top, 1e-6)) with one division: pick the smaller ratio by
    // cross-multiplying (all terms positive where the gain is used).
    let topC = SIMDMath.max(top, V(repeating: 1e-6))
    let byCurve = mapped * topC .<= k.peak * y
    let gain = V(repeating: k.peak).replacing(with: mapped, where: byCurve) / topC.replacing(with: y, where: byCurve)
    let outR = (rv * gain).replacing(with: mapped, where: .!lit)
    let outG = (gv * gain).replacing(with: mapped, where: .!lit)
    let outB = (bv * gain).replacing(with: mapped, where: .!lit)
    SIMDLoad.store8(rv.replacing(with: outR, where: change), r)
    SIMDLoad.store8(gv.replacing(with: outG, where: change), g)
    SIMDLoad.store8(bv.replacing(with: outB, where: change), b)
  }

  /// One pixel (the tail of a chunk).
  @inline(__always)
  static func apply1(
    _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
    _ mask: UnsafeMutablePointer<Float>?, _ curve: InverseToneMap, _ drive: Float
  ) {
    let y = wr * r[0] + wg * g[0] + wb * b[0]
    var yEff = y
    if let mask { yEff += drive * mask[0] * max(0, 1 - y) }
    let top = max(r[0], g[0], b[0])
    if yEff <= curve.knee && top <= curve.peak { return }
    if y > 1e-6 {
      let gain = min(curve.map(yEff) / y, curve.peak / max(top, 1e-6))
      r[0] *= gain
      g[0] *= gain
      b[0] *= gain
    } else {
      let v = curve.map(yEff)
      r[0] = v; g[0] = v; b[0] = v
    }
  }
}
