import Color
import Foundation
import Imaging
import Inpaint
import Masks
import Media
import Pipeline
import XCTest

/// Temporal stability on a synthetic panning clip: a bright blob (peak ≈ 4× SDR white) pans over a textured
/// background (1 px/frame), is clipped at SDR white and carries per-frame exposure flicker and pixel noise. Temporal error = mean over consecutive frame
/// pairs of mean |Δ_out − Δ_ref| (Δ = frame t minus frame t−1) over all pixels.
final class StagesTemporalStabilityTests: XCTestCase {
  let w = 80, h = 56, frames = 8

  /// Ground truth [3, H, W] linear of frame t.
  func truth(_ t: Int) -> PlanarImage {
    let img = PlanarImage(width: w, height: h, channels: 3)
    let cx = 30 + 1.0 * Double(t), cy = 28.0
    for y in 0..<h {
      for x in 0..<w {
        let dx = Double(x) - cx, dy = Double(y) - cy
        let code = 0.29 + 0.09 * exp(-(dx * dx + dy * dy) / (2 * 11 * 11)) + 0.01 * sin(Double(x + 3 * t) / 5)
        let l = Float(LogGamma.decode(code))
        img[0, y, x] = l * 1.05
        img[1, y, x] = l
        img[2, y, x] = l * 0.92
      }
    }
    return img
  }

  /// The SDR input of frame t: clipped at 1, sRGB-coded signal with deterministic noise, linear image from it.
  func input(_ t: Int, _ gt: PlanarImage, noise amplitude: Float) -> Frame {
    var state = UInt64(t + 1) &* 0x9E37_79B9_7F4A_7C15
    let sig = PlanarImage(width: w, height: h, channels: 3)
    let img = PlanarImage(width: w, height: h, channels: 3)
    for i in 0..<gt.count {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      let noise = (Float(state >> 40) / Float(1 << 24) - 0.5) * amplitude
      // Per-frame exposure flicker (±amplitude/2 in signal) plus pixel noise.
      let flicker = amplitude * (t % 2 == 0 ? 0.5 : -0.5)
      let s = min(max(Float(SRGB.inverseEOTF(Double(min(gt.data[i], 1)))) + noise + flicker, 0), 1)
      sig.data[i] = s
      img.data[i] = Float(SRGB.eotf(Double(s)))
    }
    return Frame(image: img, pts: Int64(t), index: t, signal: sig)
  }

  /// Temporal error of the over masks from MaskStage against masks of the noise-free clipped signal (computed
  /// frame by frame, the reference a stable mask should follow), in mask units.
  func maskTemporalError(temporalWeight: Float) throws -> Double {
    var mp = MaskParams()
    mp.temporalWeight = temporalWeight
    let masks = try MaskStage(params: mp)
    var ref = MaskParams()
    ref.temporalWeight = 1
    let reference = try ExposureMasker(params: ref)
    var prevOut: PlanarImage?, prevRef: PlanarImage?
    var total = 0.0, pairs = 0
    for t in 0..<frames {
      let gt = truth(t)
      let out = try masks.push(input(t, gt, noise: 0.03))[0].overMask!
      let clean = reference.compute(signal: input(t, gt, noise: 0).signal!).over
      if let po = prevOut, let pr = prevRef {
        var s = 0.0
        for i in 0..<out.count { s += Double(abs((out.data[i] - po.data[i]) - (clean.data[i] - pr.data[i]))) }
        total += s / Double(out.count)
        pairs += 1
      }
      prevOut = out
      prevRef = clean
    }
    return total / Double(pairs)
  }

  func testPanningClippedBlobEMAMasksHaveLowerTemporalErrorThanFrameByFrame() throws {
    let ema = try maskTemporalError(temporalWeight: 0.7)
    let frameByFrame = try maskTemporalError(temporalWeight: 1)
    print("mask temporal error: EMA \(ema), frame-by-frame \(frameByFrame)")
    XCTAssertLessThan(ema, 0.8 * frameByFrame, "EMA \(ema), frame-by-frame \(frameByFrame)")
  }

  /// Temporal error in Log-Gamma of the reconstructed frames (MaskStage → HighlightStage) against the truth.
  func reconstructionTemporalError(temporalWeight: Float) throws -> Double {
    var mp = MaskParams()
    mp.temporalWeight = temporalWeight
    var hp = HighlightParams()
    hp.jacobiSweepsPerLevel = 8  // keeps the debug-build test fast
    let masks = try MaskStage(params: mp), highlights = try HighlightStage(params: hp)
    var prevOut: [Double]?, prevGT: [Double]?
    var total = 0.0, pairs = 0
    for t in 0..<frames {
      let gt = truth(t)
      let out = try highlights.push(try masks.push(input(t, gt, noise: 0.03))[0])[0].image
      let o = (0..<out.count).map { LogGamma.encode(Double(out.data[$0])) }
      let g = (0..<gt.count).map { LogGamma.encode(Double(gt.data[$0])) }
      if let po = prevOut, let pg = prevGT {
        var s = 0.0
        for i in 0..<o.count { s += abs((o[i] - po[i]) - (g[i] - pg[i])) }
        total += s / Double(o.count)
        pairs += 1
      }
      prevOut = o
      prevGT = g
    }
    return total / Double(pairs)
  }

  func testPanningClippedBlobReconstructionWithEMAMasksNoWorseThanFrameByFrame() throws {
    let ema = try reconstructionTemporalError(temporalWeight: 0.7)
    let frameByFrame = try reconstructionTemporalError(temporalWeight: 1)
    print("reconstruction temporal error: EMA \(ema), frame-by-frame \(frameByFrame)")
    XCTAssertLessThan(ema, frameByFrame)
  }
}
