import Foundation

/// DiffHDR's Log-Gamma mapping: linear BT.709 relative to SDR white (0...M) ↔ a bounded 0...1 code.
///
/// E = (ln(γ·L + 1) / ln(γ·M + 1))^(1/γ), γ = 2.2, M = 65536; exact inverse
/// L = (exp(E^γ · ln(γ·M + 1)) − 1) / γ. From DiffHDR's public code.
public enum LogGamma {
  /// γ of the mapping.
  public static let gamma: Double = 2.2
  /// Largest representable linear value M.
  public static let maxLinear: Double = 65536
  @usableFromInline static let logRange: Double = log(gamma * maxLinear + 1)

  /// Linear (clamped to 0...M) → code 0...1.
  @inlinable public static func encode(_ l: Double) -> Double {
    let x = min(max(l, 0), maxLinear)
    return pow(log(gamma * x + 1) / logRange, 1 / gamma)
  }

  /// Code 0...1 → linear 0...M (exact inverse of ``encode(_:)``).
  @inlinable public static func decode(_ e: Double) -> Double {
    let x = min(max(e, 0), 1)
    return (exp(pow(x, gamma) * logRange) - 1) / gamma
  }
}
