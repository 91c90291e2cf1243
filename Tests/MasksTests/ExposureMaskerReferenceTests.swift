import Imaging
import TestSupport
import XCTest

@testable import Masks

/// The fused, row-skipping masker against a plain two-pass implementation of the documented steps.
final class ExposureMaskerReferenceTests: XCTestCase {
  /// Straightforward masker: raw → closing → EMA → Gaussian → erode/dilate/erode → upsample, with the
  /// separable two-pass kernels of `Imaging`.
  final class Reference {
    let params: MaskParams
    var previous: PlanarImage?
    init(_ p: MaskParams) { params = p }

    func compute(_ signal: PlanarImage, cut: Bool) -> (PlanarImage, PlanarImage) {
      let w = signal.width, h = signal.height
      let half = params.halfResolution && w >= 16 && h >= 16
      let s = half ? 2 : 1
      let ww = (w + s - 1) / s, wh = (h + s - 1) / s
      func scaled(_ r: Int) -> Int { half ? (r + 1) / 2 : r }
      if cut { previous = nil }
      let m = PlanarImage(width: ww, height: wh, channels: 2), t = PlanarImage(width: ww, height: wh, channels: 2)
      RawExposureMask(params: params).compute(signal: signal, into: m, scale: s)
      Morphology.close(m, radius: scaled(params.morphologyRadiusPixels), into: m, scratch: t)
      if let p = previous {
        let a = params.temporalWeight
        for i in 0..<m.count {
          let v = a * m.data[i] + (1 - a) * p.data[i]
          m.data[i] = v
          p.data[i] = v
        }
      } else {
        previous = m.copy()
      }
      let br = scaled(params.blurRadiusPixels)
      if br > 0 { GaussianBlur.apply(m, sigma: 0.3 * Float(br - 1) + 0.8, radius: br, into: m, scratch: t) }
      let sr = scaled(params.smoothingMorphologyRadiusPixels)
      if sr > 0 {
        Morphology.apply(.erode, m, radius: sr, into: m, scratch: t)
        Morphology.apply(.dilate, m, radius: 2 * sr, into: m, scratch: t)
        Morphology.apply(.erode, m, radius: sr, into: m, scratch: t)
      }
      let over = PlanarImage(width: w, height: h, channels: 1), under = PlanarImage(width: w, height: h, channels: 1)
      if half {
        Pyramid.upsamplePlane(m.plane(0), width: ww, height: wh, into: over.data, width: w, height: h)
        Pyramid.upsamplePlane(m.plane(1), width: ww, height: wh, into: under.data, width: w, height: h)
      } else {
        over.data.update(from: m.plane(0), count: w * h)
        under.data.update(from: m.plane(1), count: w * h)
      }
      return (over, under)
    }
  }

  /// Frame t of a clip: mid-grey, a bright blob and a dark blob that move (and vanish at t = 4, so rows that
  /// held mask must be cleared), plus noise.
  func signal(_ t: Int, w: Int, h: Int) -> PlanarImage {
    let s = PlanarImage(width: w, height: h, channels: 3)
    var state = UInt64(t + 7) &* 0x9E37_79B9_7F4A_7C15
    for y in 0..<h {
      for x in 0..<w {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        var v = 0.45 + 0.04 * (Float(state >> 40) / Float(1 << 24) - 0.5)
        if t != 4 {
          let bx = x - (w / 3 + 3 * t), by = y - (h / 3 + 2 * t)
          if bx * bx + by * by < (h / 5) * (h / 5) { v = 0.99 }
          let dx = x - (2 * w / 3 - 2 * t), dy = y - (2 * h / 3)
          if dx * dx + dy * dy < (h / 6) * (h / 6) { v = 0.005 }
        }
        for c in 0..<3 { s[c, y, x] = c == 1 && v > 0.9 && (x + y) % 5 == 0 ? 0.9 : v }
      }
    }
    return s
  }

  func testMatchesTwoPassReferenceOverAClip() throws {
    var configs: [MaskParams] = []
    var p = MaskParams()
    configs.append(p)
    p.blurRadiusPixels = 2
    configs.append(p)
    p.halfResolution = false
    configs.append(p)
    p = MaskParams()
    p.morphologyRadiusPixels = 0
    p.blurRadiusPixels = 0
    p.smoothingMorphologyRadiusPixels = 3
    p.temporalWeight = 0.5
    configs.append(p)
    for (w, h) in [(96, 64), (61, 37)] {
      for params in configs {
        let masker = try ExposureMasker(params: params)
        let reference = Reference(params)
        var kept: [ExposureMasks] = []
        for t in 0..<8 {
          let sig = signal(t, w: w, h: h)
          let cut = t == 6
          let got = masker.compute(signal: sig, isSceneCut: cut)
          let (over, under) = reference.compute(sig, cut: cut)
          XCTAssertLessThan(Approx.maxAbsDifference(got.over, over), 2e-6, "over t \(t) \(w)x\(h) \(params)")
          XCTAssertLessThan(Approx.maxAbsDifference(got.under, under), 2e-6, "under t \(t) \(w)x\(h) \(params)")
          if t % 3 == 0 { kept.append(got) }
        }
        XCTAssertGreaterThan(kept.count, 0)
      }
    }
  }

  /// Masks a caller still holds are never overwritten; dropped ones are recycled (no new buffers per frame).
  func testHeldMasksAreNeverReusedDroppedOnesAre() throws {
    let masker = try ExposureMasker()
    let w = 48, h = 32
    let held = masker.compute(signal: signal(0, w: w, h: h))
    let heldOver = held.over.copy(), heldUnder = held.under.copy()
    var identities = Set<ObjectIdentifier>()
    for t in 1..<12 {
      let m = masker.compute(signal: signal(t % 4, w: w, h: h))
      XCTAssert(m.over !== held.over && m.over !== held.under && m.under !== held.over && m.under !== held.under)
      XCTAssert(m.over !== m.under)
      identities.insert(ObjectIdentifier(m.over))
      identities.insert(ObjectIdentifier(m.under))
    }
    XCTAssertEqual(Approx.maxAbsDifference(held.over, heldOver), 0)
    XCTAssertEqual(Approx.maxAbsDifference(held.under, heldUnder), 0)
    XCTAssertLessThanOrEqual(identities.count, 4, "dropped masks should be recycled")
  }
}
