import Foundation
import Fusion
import Imaging
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

  /// Diffuse content well inside SDR range (no over- or under-exposure) is not re-exposed: the learned gain
  /// stays within ±0.1 stop (7 %) of identity on every pixel of every frame of a moving gradient clip.
  func test_maskFreeClip_passesThroughWithinATenthOfAStop() throws {
    let stage = try shippedStage()
    let w = 192, h = 108
    var worst: Float = 0
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
      for k in 0..<out.count { worst = max(worst, abs(log2(out.data[k] / before.data[k]))) }
    }
    XCTAssertLessThanOrEqual(worst, 0.1, "largest |log2 gain| on mask-free content: \(worst) stops")
  }
}
