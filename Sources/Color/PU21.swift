import Foundation
import Imaging

/// PU21 perceptually uniform encoding of absolute luminance (Mantiuk & Azimi 2021, `banding_glare`
/// parameters) and the PU-PSNR built on it.
///
/// V = p6·(((p0 + p1·Y^p3) / (1 + p2·Y^p3))^p4 − p5), Y in cd/m² clamped to 0.005...10000.
/// V(100 cd/m²) ≈ 256.4; PU-PSNR uses peak 256 (the PU21 reference code).
public enum PU21 {
  /// `banding_glare` parameters p0...p6.
  public static let p: [Double] = [
    0.353487901, 0.3734658629, 8.277049286e-05, 0.9062562627, 0.09150303166, 0.9099517204, 596.3148142,
  ]
  /// Luminance range the encoding is defined on, cd/m².
  public static let nitsRange: ClosedRange<Double> = 0.005...10000
  /// Peak value used by ``psnr(testNits:referenceNits:)``.
  public static let psnrPeak: Double = 256

  /// Absolute luminance in cd/m² → PU21 units (≈ 0 at 0.005 cd/m², ≈ 256 at 100 cd/m²).
  @inlinable public static func encode(nits: Double) -> Double {
    let y = min(max(nits, nitsRange.lowerBound), nitsRange.upperBound)
    let yp = pow(y, p[3])
    return p[6] * (pow((p[0] + p[1] * yp) / (1 + p[2] * yp), p[4]) - p[5])
  }

  /// PU-PSNR in dB between two equally long arrays of absolute values in cd/m² (luminance or per-channel
  /// linear RGB): 10·log10(256² / MSE) over PU21-encoded values; +∞ when identical.
  public static func psnr<T: BinaryFloatingPoint>(testNits: [T], referenceNits: [T]) -> Double {
    precondition(testNits.count == referenceNits.count && !testNits.isEmpty, "PU-PSNR needs equal, non-empty inputs")
    var sum = 0.0
    for k in testNits.indices {
      let d = encode(nits: Double(testNits[k])) - encode(nits: Double(referenceNits[k]))
      sum += d * d
    }
    return psnr(mse: sum / Double(testNits.count))
  }

  /// PU-PSNR in dB between two images of the same shape holding absolute values in cd/m²
  /// (every plane and pixel counts equally).
  public static func psnr(_ test: PlanarImage, _ reference: PlanarImage) -> Double {
    precondition(test.hasSameShape(as: reference), "PU-PSNR needs images of one shape")
    var sum = 0.0
    for k in 0..<test.count {
      let d = encode(nits: Double(test.data[k])) - encode(nits: Double(reference.data[k]))
      sum += d * d
    }
    return psnr(mse: sum / Double(test.count))
  }

  /// 10·log10(256² / mse), +∞ for mse = 0.
  @inlinable public static func psnr(mse: Double) -> Double {
    mse > 0 ? 10 * log10(psnrPeak * psnrPeak / mse) : .infinity
  }
}
