import Color
import Imaging
import XCTest

@testable import Inpaint

/// The fill's causal temporal blend (`fillTemporalBlend`).
final class TemporalFillTests: XCTestCase {
  /// A 128×72 blown sky beside a dark building from x = `edge` on, clipped at the clip level.
  func frame(edge: Int, clip: Float) -> PlanarImage {
    SyntheticHighlights.clipped(SyntheticHighlights.skyBesideBuilding(width: 128, height: 72, edge: edge), at: clip)
  }

  func params(blend: Float) -> HighlightParams {
    var p = HighlightParams()
    p.fillTemporalBlend = blend
    return p
  }

  /// Where both frames were filled, the second frame's code moves `blend` of the way to the first's; a
  /// static shot fills identically every frame.
  func testTheFillMovesTowardThePreviousFramesFill() throws {
    let p = params(blend: 0.5), clip = p.clipLinear
    let alone1 = frame(edge: 90, clip: clip), alone2 = frame(edge: 86, clip: clip)
    try HighlightReconstructor(params: params(blend: 0)).apply(to: alone1)
    try HighlightReconstructor(params: params(blend: 0)).apply(to: alone2)
    let r = try HighlightReconstructor(params: p)
    let first = frame(edge: 90, clip: clip), second = frame(edge: 86, clip: clip)
    try r.apply(to: first)
    try r.apply(to: second)
    XCTAssertEqual(first[1, 10, 20], alone1[1, 10, 20], "the first frame has nothing to blend with")
    let code = { (v: Float) in Double(LogGammaLanes.encode(SIMD8(repeating: v))[0]) }
    let expected = code(alone2[1, 10, 20]) + 0.5 * (code(alone1[1, 10, 20]) - code(alone2[1, 10, 20]))
    XCTAssertNotEqual(alone1[1, 10, 20], alone2[1, 10, 20], "the two frames fill differently alone")
    XCTAssertEqual(code(second[1, 10, 20]), expected, accuracy: 1e-3)
  }

  /// A static shot fills every frame as it would alone.
  func testAStaticShotIsUnchanged() throws {
    let p = params(blend: 0.5), clip = p.clipLinear
    let alone = frame(edge: 86, clip: clip)
    try HighlightReconstructor(params: params(blend: 0)).apply(to: alone)
    let r = try HighlightReconstructor(params: p)
    for _ in 0..<3 {
      let f = frame(edge: 86, clip: clip)
      try r.apply(to: f)
      XCTAssertEqual(maxRelativeDifference(f, alone), 0, accuracy: 1e-5)
    }
  }

  func maxRelativeDifference(_ a: PlanarImage, _ b: PlanarImage) -> Float {
    (0..<a.count).map { abs(a.data[$0] - b.data[$0]) / max(b.data[$0], 1e-3) }.max()!
  }

  /// After a scene cut the previous scene's fill is forgotten.
  func testResetTemporalForgetsThePreviousFrame() throws {
    let p = params(blend: 0.5), clip = p.clipLinear
    let alone = frame(edge: 86, clip: clip)
    try HighlightReconstructor(params: params(blend: 0)).apply(to: alone)
    let r = try HighlightReconstructor(params: p)
    try r.apply(to: frame(edge: 110, clip: clip))
    r.resetTemporal()
    let after = frame(edge: 86, clip: clip)
    try r.apply(to: after)
    XCTAssertEqual(maxRelativeDifference(after, alone), 0)
  }
}
