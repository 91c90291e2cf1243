import Color
import Imaging
import TestSupport
import XCTest

/// The SIMD expansion against the per-pixel definition (InverseToneMap, luminance ratio, peak bound).
final class ExpansionApplierTests: XCTestCase {
  func reference(_ r: Float, _ g: Float, _ b: Float, _ m: Float?, _ curve: InverseToneMap, _ drive: Float) -> SIMD3<Float> {
    let y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    var yEff = y
    if let m { yEff += drive * m * max(0, 1 - y) }
    let top = max(r, g, b)
    if yEff <= curve.knee && top <= curve.peak { return SIMD3(r, g, b) }
    if y > 1e-6 {
      let gain = min(curve.map(yEff) / y, curve.peak / max(top, 1e-6))
      return SIMD3(r, g, b) * gain
    }
    return SIMD3(repeating: curve.map(yEff))
  }

  func testMatchesPerPixelDefinition() throws {
    for exponent: Float in [2.5, 1.7, 3] {
      for withMask in [false, true] {
        var p = ExpansionParams()
        p.exponent = exponent
        let applier = ExpansionApplier(params: p, peakNits: 1000, referenceWhiteNits: 203)
        let curve = InverseToneMap(params: p, peakNits: 1000, referenceWhiteNits: 203)
        let w = 203, h = 7
        let img = PlanarImage(width: w, height: h)
        let mask = PlanarImage(width: w, height: h, channels: 1)
        var rng = SeededNoise(seed: 42)
        func rnd() -> Float { rng.uniform() }
        for i in 0..<img.planeSize {
          let level = [0, 1e-7, 0.3, 0.6, 0.95, 1, 1.3, 6][i % 8] as Float
          for c in 0..<3 { img.data[c * img.planeSize + i] = level * (0.7 + 0.3 * rnd()) }
          mask.data[i] = i % 3 == 0 ? 0 : rnd()
        }
        let original = img.copy()
        applier.apply(to: img, overMask: withMask ? mask : nil)
        let out = img
        for i in 0..<img.planeSize {
          let o = original
          let ref = reference(
            o.data[i], o.data[o.planeSize + i], o.data[2 * o.planeSize + i], withMask ? mask.data[i] : nil, curve,
            p.maskDrive)
          for c in 0..<3 {
            let got = out.data[c * o.planeSize + i]
            XCTAssertEqual(got, ref[c], accuracy: 2e-6 * max(1, abs(ref[c])), "p \(exponent) mask \(withMask) i \(i) c \(c)")
          }
        }
      }
    }
  }
}
