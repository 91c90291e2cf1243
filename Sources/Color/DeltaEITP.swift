import Foundation
import Imaging

/// Colour difference ΔE_ITP (ITU-R BT.2124); 1 ≈ one just-noticeable difference.
///
/// ΔE = 720·√(ΔI² + ΔT² + ΔP²) with T = Ct/2 and P = Cp, on ``ICtCp`` of BT.2020 linear cd/m².
public enum DeltaEITP {
  /// Scale that makes 1 unit ≈ one JND (BT.2124).
  public static let scale: Double = 720

  /// ΔE_ITP between two ICtCp colours.
  @inlinable public static func between(_ a: ICtCp, _ b: ICtCp) -> Double {
    let di = a.i - b.i, dt = 0.5 * (a.ct - b.ct), dp = a.cp - b.cp
    return scale * (di * di + dt * dt + dp * dp).squareRoot()
  }

  /// ΔE_ITP between two BT.2020 linear RGB colours in cd/m².
  public static func between(nits a: (Double, Double, Double), _ b: (Double, Double, Double)) -> Double {
    between(ICtCp(nits: a), ICtCp(nits: b))
  }

  /// Mean ΔE_ITP over two 3-channel images of BT.2020 linear RGB in cd/m², layout [C, H, W].
  /// - Precondition: same shape, 3 channels.
  public static func mean(_ test: PlanarImage, _ reference: PlanarImage) -> Double {
    precondition(test.hasSameShape(as: reference) && test.channels == 3, "ΔE_ITP needs two RGB images of one shape")
    let n = test.planeSize
    let t0 = test.plane(0), t1 = test.plane(1), t2 = test.plane(2)
    let r0 = reference.plane(0), r1 = reference.plane(1), r2 = reference.plane(2)
    var sum = 0.0
    for k in 0..<n {
      sum += between(
        nits: (Double(t0[k]), Double(t1[k]), Double(t2[k])), (Double(r0[k]), Double(r1[k]), Double(r2[k])))
    }
    return sum / Double(n)
  }
}
