import Color
import Imaging
import Media
import Pipeline

/// Non-linear SDR R'G'B' (0...1) → linear light relative to SDR white, for planar (non-libav) callers.
///
/// Uses the input transfer of `InputParams` (`auto` = BT.1886, the untagged default) through a 4097-entry
/// table with linear interpolation (max error < 1e-5 relative to the scalar curve over 0...1).
struct SignalLinearizer {
  let table: [Float]
  static let steps = 4096

  init(params: InputParams) {
    let eotf: (Double) -> Double
    switch params.transfer {
    case "srgb": eotf = SRGB.eotf  // IEC 61966-2-1
    case "bt709": eotf = BT709.inverseOETF  // BT.709 scene light
    default: eotf = BT1886.eotf  // BT.1886, L_B = 0
    }
    table = (0...Self.steps).map { Float(eotf(Double($0) / Double(Self.steps))) }
  }

  /// Writes linear values of `signal` into `linear` (same shape).
  func apply(signal: PlanarImage, into linear: PlanarImage) {
    precondition(signal.hasSameShape(as: linear))
    let n = signal.count
    let src = signal.data, dst = linear.data
    table.withUnsafeBufferPointer { t in
      let lut = t.baseAddress!
      let scale = Float(Self.steps)
      Parallel.forRanges(n, minChunk: 65536) { s, e in
        for i in s..<e {
          let x = min(max(src[i], 0), 1) * scale
          let k = min(Int(x), Self.steps - 1)
          let f = x - Float(k)
          dst[i] = lut[k] + f * (lut[k + 1] - lut[k])
        }
      }
    }
  }
}
