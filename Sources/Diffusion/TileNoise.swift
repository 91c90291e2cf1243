#if canImport(Glibc)
  import Glibc
#endif

/// Counter-based Gaussian noise keyed by (seed, tile x, tile y, draw) (twin of `tile_noise` in
/// `Training/diffusion/schedule.py`, reproduced to the last float in practice).
///
/// key = sm(sm(sm(sm(seed) ^ tx) ^ ty) ^ draw) with sm = SplitMix64's output function of a state
/// (Steele, Lea & Flood 2014; state += 0x9E3779B97F4A7C15 first); uₖ = ((sm(key + k·G) >> 11) + ½)·2⁻⁵³;
/// Box–Muller per pair in Double: r = √(−2 ln u₂ₖ), n₂ₖ = r cos(2π u₂ₖ₊₁), n₂ₖ₊₁ = r sin(2π u₂ₖ₊₁),
/// rounded to Float. No frame index enters the key: a static scene draws the same noise every frame.
public enum TileNoise {
  static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

  /// SplitMix64 output for state `z`.
  @inline(__always) static func mix(_ state: UInt64) -> UInt64 {
    var z = state &+ golden
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The stream key of one tile and draw.
  public static func key(seed: Int, tileX: Int, tileY: Int, draw: Int) -> UInt64 {
    var k = mix(UInt64(bitPattern: Int64(seed)))
    for v in [tileX, tileY, draw] { k = mix(k ^ UInt64(bitPattern: Int64(v))) }
    return k
  }

  /// Writes `count` standard normal values of the stream into `out`.
  public static func fill(
    _ out: UnsafeMutablePointer<Float>, count: Int, seed: Int, tileX: Int, tileY: Int, draw: Int
  ) {
    let k = key(seed: seed, tileX: tileX, tileY: tileY, draw: draw)
    func uniform(_ i: Int) -> Double {
      Double(mix(k &+ UInt64(i) &* golden) >> 11) * 0x1p-53 + 0x1p-54
    }
    var i = 0
    while i < count {
      let u1 = uniform(i), u2 = uniform(i + 1)
      let r = (-2 * log(u1)).squareRoot()
      let a = 2 * Double.pi * u2
      out[i] = Float(r * cos(a))
      if i + 1 < count { out[i + 1] = Float(r * sin(a)) }
      i += 2
    }
  }

  /// `count` standard normal values of the stream.
  public static func values(count: Int, seed: Int, tileX: Int, tileY: Int, draw: Int) -> [Float] {
    var out = [Float](repeating: 0, count: count)
    out.withUnsafeMutableBufferPointer {
      fill($0.baseAddress!, count: count, seed: seed, tileX: tileX, tileY: tileY, draw: draw)
    }
    return out
  }
}
