import Denoise
import Foundation
import Imaging
import TestSupport
import XCTest

/// The noise estimate against known Poisson–Gaussian noise on ramps and textures, static and panning.
final class NoiseEstimatorTests: XCTestCase {
  /// Noise levels of the synthetic LDR data: light, moderate, heavy (shot variance a·x, read σ).
  let levels: [(shot: Float, read: Float)] = [(0, 0.002), (1.0 / 400, 0.005), (1.0 / 80, 0.015)]

  /// A smooth horizontal ramp, the same on every channel (scaled per channel).
  func ramp(_ w: Int, _ h: Int) -> PlanarImage {
    let img = PlanarImage(width: w, height: h)
    for c in 0..<3 {
      for y in 0..<h { for x in 0..<w { img[c, y, x] = (0.02 + 0.9 * Float(x) / Float(w)) * [1, 0.9, 0.8][c] } }
    }
    return img
  }

  /// A fine texture (blurred uniform noise, features 2–3 px) over a gentle gradient, shifted by `shift` pixels.
  func texture(_ w: Int, _ h: Int, shift: Int = 0) -> PlanarImage {
    var rng = SeededNoise(seed: 7)
    let big = PlanarImage(width: w + 32, height: h, channels: 1)
    for i in 0..<big.count { big.data[i] = rng.uniform() }
    let soft = PlanarImage(width: w + 32, height: h, channels: 1)
    BoxBlur.apply(big, radius: 1, into: soft)
    let img = PlanarImage(width: w, height: h)
    for c in 0..<3 {
      for y in 0..<h {
        for x in 0..<w {
          let t = soft[0, y, x + 16 - shift]
          img[c, y, x] = (0.05 + 0.3 * Float(y) / Float(h) + 0.6 * (t - 0.3)) * [1, 0.85, 0.7][c]
        }
      }
    }
    for i in 0..<img.count { img.data[i] = min(max(img.data[i], 0.01), 0.95) }
    return img
  }

  func noisy(_ clean: PlanarImage, _ level: (shot: Float, read: Float), seed: UInt64) -> PlanarImage {
    var rng = SeededNoise(seed: seed)
    let out = clean.copy()
    for i in 0..<out.count {
      let x = clean.data[i]
      out.data[i] = x + rng.gaussian() * (level.shot * x + level.read * level.read).squareRoot()
    }
    return out
  }

  /// σ estimated at `x` within 20 % of the truth on every channel.
  func assertWithin20(_ f: NoiseLevelFunction?, _ level: (shot: Float, read: Float), at xs: [Float], _ what: String) throws {
    let f = try XCTUnwrap(f, what)
    for x in xs {
      for c in 0..<3 {
        let truth = (level.shot * x + level.read * level.read).squareRoot()
        let got = f.sigma(channel: c, level: x)
        XCTAssertEqual(got / truth, 1, accuracy: 0.2, "\(what) c\(c) x \(x): \(got) vs \(truth)")
      }
    }
  }

  func testRampEachLevelWithin20PercentFromOneFrame() throws {
    for (i, level) in levels.enumerated() {
      let e = NoiseEstimator()
      e.add(noisy(ramp(480, 272), level, seed: UInt64(i + 1)))
      try assertWithin20(e.estimate(), level, at: [0.1, 0.3, 0.6], "ramp level \(i)")
    }
  }

  func testStaticTextureEachLevelWithin20PercentFromTwoFrames() throws {
    for (i, level) in levels.enumerated() {
      let e = NoiseEstimator()
      let clean = texture(480, 272)
      e.add(noisy(clean, level, seed: UInt64(10 + i)))
      e.add(noisy(clean, level, seed: UInt64(20 + i)))
      try assertWithin20(e.estimate(), level, at: [0.1, 0.25], "static texture level \(i)")
    }
  }

  func testPanningTextureEachLevelWithin20Percent() throws {
    for (i, level) in levels.enumerated() {
      let e = NoiseEstimator()
      for f in 0..<3 { e.add(noisy(texture(480, 272, shift: 3 * f), level, seed: UInt64(30 + 7 * i + f))) }
      try assertWithin20(e.estimate(), level, at: [0.1, 0.25], "panning texture level \(i)")
    }
  }

  func testCleanFramesStaysBelowFloor() throws {
    let e = NoiseEstimator()
    e.add(texture(480, 272))
    e.add(texture(480, 272, shift: 2))
    e.add(ramp(480, 272))
    let f = try XCTUnwrap(e.estimate())
    for c in 0..<3 { XCTAssertLessThan(f.sigma(channel: c, level: 0.5), 0.0005, "channel \(c)") }
  }

  func testResetForgetsTheShotAndClippedBlocksCarryNoNoise() throws {
    let e = NoiseEstimator()
    e.add(noisy(ramp(480, 272), levels[2], seed: 3))
    e.reset()
    XCTAssertNil(e.estimate())
    let white = PlanarImage(width: 128, height: 128)
    white.fill(1)
    e.add(white)
    XCTAssertNil(e.estimate(), "a clipped frame says nothing about noise")
  }

  func testFitRecoversLineAndStaysNonNegative() {
    let (a, b) = NoiseEstimator.fit([(0.1, 0.002 * 0.1 + 1e-5, 50), (0.5, 0.002 * 0.5 + 1e-5, 50), (0.9, 0.002 * 0.9 + 1e-5, 50)])
    XCTAssertEqual(a, 0.002, accuracy: 1e-6)
    XCTAssertEqual(b, 1e-5, accuracy: 1e-7)
    let (a2, b2) = NoiseEstimator.fit([(0.1, 4e-4, 10), (0.9, 1e-4, 10)])
    XCTAssertEqual(a2, 0)
    XCTAssertGreaterThan(b2, 0)
  }

  /// Saturated colours leave blue crushed everywhere: blue takes the other channels' noise instead of none.
  func testChannelWithoutUsableBlocksTakesTheOthersNoise() throws {
    let level = levels[1]
    let clean = ramp(480, 272)
    for i in 0..<clean.planeSize { clean.data[2 * clean.planeSize + i] = 0 }
    let e = NoiseEstimator()
    let frame = noisy(clean, level, seed: 5)
    for i in 0..<frame.planeSize { frame.data[2 * frame.planeSize + i] = 0 }
    e.add(frame)
    let f = try XCTUnwrap(e.estimate())
    XCTAssertGreaterThan(f.sigma(channel: 2, level: 0.3), 0.5 * f.sigma(channel: 0, level: 0.3))
    XCTAssertEqual(f.sigma(channel: 2, level: 0.3), (f.sigma(channel: 0, level: 0.3) + f.sigma(channel: 1, level: 0.3)) / 2, accuracy: 0.002)
  }
}
