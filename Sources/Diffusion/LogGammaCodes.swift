import Color

#if canImport(Glibc)
  import Glibc
#endif

/// Float Log-Gamma encode/decode (DiffHDR's working space, `Color.LogGamma` in Float arithmetic as
/// `log_gamma` in `Training/diffusion/model.py` computes it): E = (ln(1 + γL)/ln(1 + γM))^(1/γ),
/// γ = 2.2, M = 65536, L clamped to [0, M]; L = 1 → 0.348.
enum LogGammaCodes {
  static let gamma = Float(LogGamma.gamma)
  static let maxLinear = Float(LogGamma.maxLinear)
  static let logRange = Float(log(LogGamma.gamma * LogGamma.maxLinear + 1))

  @inline(__always) static func encode(_ l: Float) -> Float {
    let x = min(max(l, 0), maxLinear)
    return powf(log1pf(gamma * x) / logRange, 1 / gamma)
  }

  @inline(__always) static func decode(_ e: Float) -> Float {
    let x = min(max(e, 0), 1)
    return expm1f(powf(x, gamma) * logRange) / gamma
  }
}
