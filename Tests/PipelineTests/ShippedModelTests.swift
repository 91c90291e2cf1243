import Foundation
import Fusion
import Imaging
import Media
import Pipeline
import TestSupport
import XCTest

/// The shipped REHDR weights (`Models/rehdr.safetensors`, trained by `make train-rehdr`) inside the stage.
final class ShippedModelTests: XCTestCase {
  func shippedStage() throws -> FusionStage {
    var p = FusionParams()
    p.enabled = true
    p.workingHeightPixels = 96
    return try FusionStage(params: p, output: OutputParams(), locator: ModelLocator(directories: [ModelLocator.repositoryModelsDirectory]))
  }

  /// Diffuse content well inside SDR range (no over- or under-exposure) is not re-exposed: on a moving
  /// gradient clip the learned gain averages within 0.05 stop (3.5 %) of identity and no pixel moves more
  /// than 0.15 stop (11 %).
  func testMaskFreeClipPassesThroughWithinTolerance() throws {
    let stage = try shippedStage()
    let w = 192, h = 108
    var worst: Float = 0, sum = 0.0, count = 0
    for i in 0..<6 {
      let img = PlanarImage(width: w, height: h, channels: 3)
      for y in 0..<h {
        for x in 0..<w {
          let u = Float((x + 4 * i) % w) / Float(w), v = Float(y) / Float(h)
          img[0, y, x] = 0.08 + 0.35 * u
          img[1, y, x] = 0.1 + 0.3 * v
          img[2, y, x] = 0.12 + 0.2 * (1 - u)
        }
      }
      let before = img.copy()
      let out = try stage.push(Frame(image: img, pts: Int64(i), index: i))[0].image
      for k in 0..<out.count {
        let stops = abs(log2(out.data[k] / before.data[k]))
        worst = max(worst, stops)
        sum += Double(stops)
        count += 1
      }
    }
    let mean = sum / Double(count)
    print("REHDR on mask-free content: mean |log2 gain| \(mean) stops, largest \(worst) stops")
    XCTAssertLessThanOrEqual(mean, 0.05)
    XCTAssertLessThanOrEqual(worst, 0.15)
  }
}
