/// Table lookups for SIMD8 lanes: a log-domain LUT indexed by float bits and a uniform LUT on 0...1.
///
/// x86-64's baseline (SSE2) has no gather, so the lookups are eight scalar loads; everything around them
/// (clamping, index arithmetic) stays in vector registers. Midpoint sampling keeps the error under half a
/// bin: for the log LUT 2⁻¹¹ relative in x, ≤ 0.05 of a 10-bit code for PQ and HLG.
enum SIMDLUT {
  typealias V = SIMD8<Float>

  // MARK: - Log domain

  /// log2 of the smallest input the log LUT resolves (smaller values read f(0)).
  static let logMinExponent = -32
  /// log2 of the bins per octave: the float mantissa's top bits index the bin.
  static let logBitsPerOctave = 10
  static let logShift = Int32(23 - logBitsPerOctave)
  static let logMinBits: Int32 = Int32(127 - 32) << 23
  /// Entries: 32 octaves × 2^logBitsPerOctave bins + the exact value at 1.
  static let logCount = 32 << logBitsPerOctave + 1

  /// Samples f on 2⁻³²...1: entry 0 is f(0), entry i the bin midpoint, the last entry f(1).
  static func logTable(_ f: (Double) -> Double) -> [Float] {
    (0..<logCount).map { i in
      if i == 0 { return Float(f(0)) }
      if i == logCount - 1 { return Float(f(1)) }
      let bins = 1 << logBitsPerOctave
      let octave = i / bins, bin = i % bins
      let x = Double(sign: .plus, exponent: logMinExponent + octave, significand: 1 + (Double(bin) + 0.5) / Double(bins))
      return Float(f(x))
    }
  }

  /// f(x) for x clamped to 0...1 (NaN reads f(0)).
  @_transparent
  static func log(_ x: V, _ t: UnsafePointer<Float>) -> V {
    // max(x, lo) with NaN → lo (one maxps: the select keeps `lo` unless x > lo), then min(·, 1). Inputs below
    // lo land on lo, whose index is 0 = f(0), like the rest of the first bin.
    let lo = V(repeating: 0x1p-32)
    var c = lo.replacing(with: x, where: x .> lo)
    c = c.replacing(with: 1, where: c .> 1)
    let bits = unsafeBitCast(c, to: SIMD8<Int32>.self)
    return gather((bits &- logMinBits) &>> logShift, t)
  }

  // MARK: - Uniform

  /// Segments of the uniform LUT (2^14): half a bin of x^2.4 is ≤ 7e-5.
  static let uniformSegments = 16384

  /// Samples f at i / segments, i in 0...segments.
  static func uniformTable(_ f: (Double) -> Double) -> [Float] {
    (0...uniformSegments).map { Float(f(Double($0) / Double(uniformSegments))) }
  }

  /// f(x) at the nearest sample, x clamped to 0...1 (NaN reads f(0)).
  @inline(__always)
  static func uniform(_ x: V, _ t: UnsafePointer<Float>) -> V {
    var c = V().replacing(with: x, where: x .> 0)  // NaN and negatives → 0 (one maxps)
    c = c.replacing(with: 1, where: c .> 1)
    return gather(roundToInt(c * Float(uniformSegments)), t)
  }

  /// f(x) at the nearest sample for x already in 0...1 (no clamping; out-of-range x reads out of bounds).
  @inline(__always)
  static func uniformInRange(_ x: V, _ t: UnsafePointer<Float>) -> V {
    gather(roundToInt(x * Float(uniformSegments)), t)
  }

  // MARK: - Helpers

  /// Round to nearest for 0 ≤ v < 2^22 (magic-number trick; vectorises, unlike Int32(v)).
  @inline(__always)
  static func roundToInt(_ v: V) -> SIMD8<Int32> {
    unsafeBitCast(v + 12_582_912, to: SIMD8<Int32>.self) &- 0x4B40_0000
  }

  /// Exact float of integers 0 ≤ i < 2^23 (magic-number trick; vectorises, unlike Float(i)).
  @inline(__always)
  static func float(_ i: SIMD8<Int32>) -> V {
    unsafeBitCast(i | 0x4B00_0000, to: V.self) - 8_388_608
  }

  @inline(__always)
  static func gather(_ i: SIMD8<Int32>, _ t: UnsafePointer<Float>) -> V {
    // Indices are ≥ 0: reading them as UInt32 lets lane extraction zero-extend for free (no sign extension).
    let u = unsafeBitCast(i, to: SIMD8<UInt32>.self)
    return V(t[Int(u[0])], t[Int(u[1])], t[Int(u[2])], t[Int(u[3])],
             t[Int(u[4])], t[Int(u[5])], t[Int(u[6])], t[Int(u[7])])
  }

  /// Lane-wise minimum (vectorises; the generic pointwiseMin does not).
  @inline(__always) static func min(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .< a) }
  /// Lane-wise maximum.
  @inline(__always) static func max(_ a: V, _ b: V) -> V { a.replacing(with: b, where: b .> a) }
  /// Lane-wise clamp to lo...hi.
  @inline(__always) static func clamp(_ v: V, _ lo: Float, _ hi: Float) -> V {
    v.replacing(with: lo, where: v .< lo).replacing(with: hi, where: v .> hi)
  }

  /// Unaligned load of 8 floats.
  @inline(__always) static func load8(_ p: UnsafePointer<Float>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }
  /// Unaligned store of 8 floats.
  @inline(__always) static func store8(_ v: V, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
  }

  /// Loads lanes x..<min(x + 8, n) of `p`, zero-filling the rest (for packed image rows).
  @inline(__always)
  static func load(_ p: UnsafePointer<Float>, _ x: Int, _ n: Int) -> V {
    if x + 8 <= n { return load8(p + x) }
    var v = V()
    for l in 0..<(n - x) { v[l] = p[x + l] }
    return v
  }

  /// Stores lanes x..<min(x + 8, n) of `p`.
  @inline(__always)
  static func store(_ v: V, _ p: UnsafeMutablePointer<Float>, _ x: Int, _ n: Int) {
    if x + 8 <= n { store8(v, p + x); return }
    for l in 0..<(n - x) { p[x + l] = v[l] }
  }
}
