import Foundation

/// A colour in ICtCp (ITU-R BT.2100 PQ ICtCp), the space ΔE_ITP is measured in (ITU-R BT.2124).
///
/// BT.2020 linear RGB in cd/m² → LMS = M₁·RGB with M₁ = [[1688, 2146, 262], [683, 2951, 462],
/// [99, 309, 3688]]/4096 → L'M'S' = PQ inverse EOTF (ST 2084) of each → I = (L' + M')/2,
/// Ct = (6610·L' − 13613·M' + 7003·S')/4096, Cp = (17933·L' − 17390·M' − 543·S')/4096.
public struct ICtCp: Equatable, Sendable {
  /// Intensity I (PQ-encoded, 0...1).
  public var i: Double
  /// Blue–yellow chroma Ct.
  public var ct: Double
  /// Red–green chroma Cp.
  public var cp: Double

  /// BT.2020 linear RGB → LMS (ITU-R BT.2100), in 1/4096 integer form.
  public static let lmsFromBT2020 = Matrix3([[1688, 2146, 262], [683, 2951, 462], [99, 309, 3688]].map {
    $0.map { $0 / 4096 }
  })
  /// L'M'S' → ICtCp (ITU-R BT.2100).
  public static let ictcpFromLMS = Matrix3([[2048, 2048, 0], [6610, -13613, 7003], [17933, -17390, -543]].map {
    $0.map { $0 / 4096 }
  })

  /// Creates a colour from its components.
  public init(i: Double, ct: Double, cp: Double) {
    self.i = i
    self.ct = ct
    self.cp = cp
  }

  /// Converts BT.2020 linear display RGB in cd/m² (negative components clamp to 0 through PQ).
  public init(nits rgb: (Double, Double, Double)) {
    let lms = Self.lmsFromBT2020.apply(rgb)
    let p = (PQ.encode(nits: lms.0), PQ.encode(nits: lms.1), PQ.encode(nits: lms.2))
    let v = Self.ictcpFromLMS.apply(p)
    self.init(i: v.0, ct: v.1, cp: v.2)
  }
}
