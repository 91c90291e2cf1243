@testable import Denoise
import Imaging
import TestSupport
import XCTest

/// The fast paths of the motion denoiser against their plain references, bit for bit (each fast path is
/// written to do the reference's float operations in the reference's order).
final class MotionDenoiserKernelTests: XCTestCase {
  /// A smooth pattern with texture, plus noise, shifted by (dx, dy).
  func frame(_ w: Int, _ h: Int, dx: Int = 0, dy: Int = 0, seed: UInt64) -> PlanarImage {
    var rng = SeededNoise(seed: seed)
    let img = PlanarImage(width: w, height: h)
    for c in 0..<3 {
      for y in 0..<h {
        for x in 0..<w {
          let u = Float(x - dx), v = Float(y - dy)
          let base = 0.4 + 0.3 * sinf(u * 0.37 + Float(c)) * cosf(v * 0.23) + 0.1 * sinf(u * v * 0.01)
          img[c, y, x] = base + 0.02 * rng.gaussian()
        }
      }
    }
    return img
  }

  func values(_ img: PlanarImage) -> [Float] { Array(UnsafeBufferPointer(start: img.data, count: img.count)) }

  func testSIMDBlockSearchMatchesScalarSearch() {
    let a = BlockMotion.channelSum(frame(100, 70, seed: 1)), b = BlockMotion.channelSum(frame(100, 70, dx: 3, dy: -2, seed: 2))
    var interiorBlocks = 0
    for (radius, around) in [(4, SIMD2<Int32>.zero), (1, SIMD2<Int32>(2, -4)), (1, .zero), (3, SIMD2<Int32>(-2, 2))] {
      for y in Swift.stride(from: 0, to: 70, by: 16) {
        for x in Swift.stride(from: 0, to: 100, by: 16) {
          let reference = BlockMotion.search(a, b, x: x, y: y, size: 16, around: around, radius: radius, step: 2)
          if let fast = BlockSearch.interior(a, b, x: x, y: y, size: 16, around: around, radius: radius, step: 2) {
            XCTAssertEqual(fast, reference, "block (\(x), \(y)) radius \(radius) around \(around)")
            interiorBlocks += 1
          }
        }
      }
    }
    XCTAssertGreaterThan(interiorBlocks, 40)
    // Edge blocks are left to the scalar search.
    XCTAssertNil(BlockSearch.interior(a, b, x: 0, y: 0, size: 16, around: .zero, radius: 4, step: 2))
    XCTAssertNil(BlockSearch.interior(a, b, x: 96, y: 64, size: 16, around: .zero, radius: 1, step: 2))
  }

  func testEightPixelDecisionMatchesOnePixelDecision() {
    var rng = SeededNoise(seed: 7)
    let n = 64
    // Centre levels below zero, mean differences of every size (zero, inside, across and beyond the fade,
    // infinite ratio where a channel has no noise), sums and weights as left by an earlier neighbour.
    var centre = [Float](repeating: 0, count: 3 * n), aligned = centre, mean = centre, sums = [Float](repeating: 0, count: 4 * n)
    for i in 0..<(3 * n) {
      centre[i] = rng.uniform() * 1.2 - 0.1
      aligned[i] = rng.uniform() * 0.8
      let scale: Float = [0, 0.002, 0.01, 0.03, 0.1][i % 5]
      mean[i] = (i % 7 == 0) ? 0 : scale * rng.gaussian()
    }
    for i in 0..<(4 * n) { sums[i] = i >= 3 * n ? 1 + rng.uniform() : rng.uniform() * 2 }
    for shot in [SIMD3<Float>(1.0 / 400, 1.0 / 400, 1.0 / 400), SIMD3<Float>(1.0 / 400, 0, 1.0 / 900)] {
      for read in [SIMD3<Float>(repeating: 2.5e-5), SIMD3<Float>(2.5e-5, 0, 0)] {
        let decision = TemporalWeight(acceptSigmas: 2, rejectSigmas: 4, factor: 2.0 / 9, shot: shot, read: read)
        for (start, normalise) in [(false, false), (true, false), (false, true), (true, true)] {
          var fast = sums, slow = sums
          centre.withUnsafeMutableBufferPointer { cp in
            aligned.withUnsafeMutableBufferPointer { ap in
              mean.withUnsafeMutableBufferPointer { mp in
                fast.withUnsafeMutableBufferPointer { tf in
                  slow.withUnsafeMutableBufferPointer { ts in
                    let pf = TemporalWeight.Planes(
                      cp: cp.baseAddress!, ap: ap.baseAddress!, mp: mp.baseAddress!, tp: tf.baseAddress!, sn: n, sa: n, sm: n)
                    let ps = TemporalWeight.Planes(
                      cp: cp.baseAddress!, ap: ap.baseAddress!, mp: mp.baseAddress!, tp: ts.baseAddress!, sn: n, sa: n, sm: n)
                    for i in Swift.stride(from: 0, to: n, by: 8) {
                      decision.accumulate8(at: i, pf, startFromCentre: start, normalise: normalise)
                      for l in 0..<8 { decision.accumulate(at: i + l, ps, startFromCentre: start, normalise: normalise) }
                    }
                  }
                }
              }
            }
          }
          XCTAssertEqual(fast, slow, "shot \(shot) read \(read) start \(start) normalise \(normalise)")
        }
      }
    }
  }

  func testVectorSquareRootIsTheScalarRoot() {
    var rng = SeededNoise(seed: 13)
    var values: [Float] = [0, -0.0, 1, 2, 0.25, 1e-30, 1e-24, 3e38, Float(1).nextUp, Float(4).nextDown, -1, -1e-20]
    for _ in 0..<4000 { values.append(powf(10, rng.uniform() * 60 - 30)) }
    while values.count % 8 != 0 { values.append(1) }
    for i in Swift.stride(from: 0, to: values.count, by: 8) {
      let v = SIMD8<Float>(values[i..<(i + 8)]), r = TemporalWeight.squareRoot(v)
      for l in 0..<8 {
        // Zero and below give +0 (the scalar root gives −0 for −0 and NaN below: neither exceeds 1e-12).
        XCTAssertEqual(r[l].bitPattern, v[l] > 0 ? v[l].squareRoot().bitPattern : 0, "√\(v[l])")
      }
    }
  }

  /// The one-pass neighbour accumulation against align, difference, BoxBlur and the plane decision.
  func testTemporalPassMatchesPlaneByPlaneChain() {
    for (w, h) in [(83, 61), (160, 96)] {
      let centre = frame(w, h, seed: 3), neighbour = frame(w, h, dx: -3, dy: 2, seed: 4)
      let motion = BlockMotion(from: centre, to: neighbour, radiusPixels: 8)
      XCTAssertTrue(motion.vectors.contains { $0 != .zero })
      let decision = TemporalWeight(
        acceptSigmas: 2, rejectSigmas: 4, factor: 2.0 / 9, shot: SIMD3(repeating: 1.0 / 400), read: SIMD3(repeating: 1e-4))
      for (start, normalise) in [(true, false), (false, true), (true, true)] {
        let prior = frame(w, h, seed: 5), fast = PlanarImage(width: w, height: h, channels: 4)
        let slow = PlanarImage(width: w, height: h, channels: 4)
        for c in 0..<4 {
          for i in 0..<(w * h) { fast.data[c * w * h + i] = c == 3 ? 1.5 : prior.data[min(c, 2) * w * h + i] }
        }
        slow.assign(from: fast)
        TemporalPass.run(
          centre: centre, neighbour: neighbour, motion: motion, decision: decision, into: fast, startFromCentre: start,
          normalise: normalise)

        let aligned = MotionDenoiser.align(neighbour, by: motion), diff = PlanarImage(width: w, height: h)
        for i in 0..<diff.count { diff.data[i] = centre.data[i] - aligned.data[i] }
        let mean = PlanarImage(width: w, height: h)
        BoxBlur.apply(diff, radius: 1, into: mean)
        decision.accumulate(
          centre: centre, aligned: aligned, mean: mean, into: slow, startFromCentre: start, normalise: normalise)
        XCTAssertEqual(values(fast), values(slow), "\(w)×\(h) start \(start) normalise \(normalise)")
      }
    }
  }

  /// A reused scratch pool and kept search levels change nothing.
  func testScratchPoolAndKeptLevelsGiveTheSameOutput() {
    let noise = NoiseLevelFunction(shot: SIMD3(repeating: 1.0 / 400), read: SIMD3(repeating: 1e-4))
    let frames = (0..<4).map { frame(90, 50, dx: $0, seed: UInt64(10 + $0)) }
    let pool = RecyclingPool()
    for k in 1..<3 {
      let neighbours = [frames[k - 1], frames[k + 1]].map { MotionDenoiser.Neighbour(image: $0, isClean: false) }
      let plain = PlanarImage(width: 90, height: 50), pooled = PlanarImage(width: 90, height: 50)
      MotionDenoiser().denoise(frames[k], neighbours: neighbours, noise: noise, into: plain)
      let kept = neighbours.map {
        MotionDenoiser.Neighbour(image: $0.image, isClean: false, levels: BlockMotion.Levels($0.image, pool: pool))
      }
      MotionDenoiser().denoise(
        frames[k], neighbours: kept, noise: noise, into: pooled, centreLevels: BlockMotion.Levels(frames[k]),
        scratch: pool)
      XCTAssertEqual(values(plain), values(pooled))
    }
  }
}

