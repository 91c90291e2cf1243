import Foundation
import Diffusion
import NN
import XCTest

/// The Swift UNet, reference encoder, schedule, noise and DDIM against the PyTorch export.
final class UNetGoldenTests: XCTestCase {
  func testWidthsComeFromMetadata() throws {
    XCTAssertEqual(try DiffusionUNet(contentsOf: DiffusionFixtures.weightsPath).widths, [8, 16, 16])
  }

  /// The committed `Models/diffusion.safetensors` loads (widths from its metadata) and gives finite v.
  func testShippedWeightsLoad() throws {
    let path = DiffusionFixtures.directory + "/../../../Models/diffusion.safetensors"
    try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "no shipped weights")
    let net = try DiffusionUNet(contentsOf: path)
    XCTAssertEqual(net.widths, [24, 48, 64])
    let c = try DiffusionFixtures.cases()
    let v = net(try c.tensor("x.0"), t: [999], condition: try c.tensor("cond.0"), reference: nil)
    XCTAssertTrue(v.toArray().allSatisfy { $0.isFinite })
    XCTAssertNoThrow(try DiffusionInpainter(contentsOf: path))
  }

  func testForwardMatchesPyTorch() throws {
    let net = try DiffusionUNet(contentsOf: DiffusionFixtures.weightsPath)
    let c = try DiffusionFixtures.cases()
    let ref = try c.tensor("ref.emb")
    for k in 0..<3 {
      let t = try c.tensor("t.\(k)").toArray()
      let v = net(
        try c.tensor("x.\(k)"), t: t, condition: try c.tensor("cond.\(k)"), reference: k == 2 ? ref : nil)
      assertClose(v, try c.tensor("v.\(k)"), "v.\(k) (t \(t[0]))")
    }
  }

  func testReferenceEmbeddingMatchesPyTorch() throws {
    let net = try DiffusionUNet(contentsOf: DiffusionFixtures.weightsPath)
    let c = try DiffusionFixtures.cases()
    let image = try c.tensor("ref.image")
    let planar = PlanarImageBridge.planar(image, channels: 3)
    let emb = net.encodeReference(ReferenceEncoding.prepare(planar))
    assertClose(emb, try c.tensor("ref.emb"), "reference embedding")
  }

  func testScheduleMatchesPython() throws {
    let ab = try DiffusionFixtures.cases().tensor("alpha_bar").toArray()
    XCTAssertEqual(ab.count, NoiseSchedule.steps)
    for (i, v) in ab.enumerated() {
      XCTAssertEqual(Float(NoiseSchedule.alphasCumprod[i]), v, accuracy: 1e-7, "alpha_bar[\(i)]")
    }
    // Monotone decreasing, from ~1 to ~0.
    XCTAssertGreaterThan(NoiseSchedule.alphasCumprod[0], 0.9999)
    XCTAssertLessThan(NoiseSchedule.alphasCumprod[999], 1e-4)
    for i in 1..<1000 { XCTAssertLessThan(NoiseSchedule.alphasCumprod[i], NoiseSchedule.alphasCumprod[i - 1]) }
    XCTAssertEqual(NoiseSchedule.timesteps(strength: 0.5, count: 4), [499, 374, 249, 124])
    XCTAssertEqual(NoiseSchedule.timesteps(strength: 0.002, count: 4), [1, 0])
    XCTAssertEqual(NoiseSchedule.timesteps(strength: 0, count: 4), [])
  }

  func testNoiseMatchesPythonBitForBit() throws {
    let ref = try DiffusionFixtures.cases().tensor("noise").toArray()
    let ours = TileNoise.values(count: ref.count, seed: 5, tileX: 3, tileY: 2, draw: 1)
    XCTAssertEqual(ours, ref)
    XCTAssertNotEqual(TileNoise.values(count: 8, seed: 5, tileX: 3, tileY: 2, draw: 2), Array(ref.prefix(8)))
    XCTAssertNotEqual(TileNoise.values(count: 8, seed: 6, tileX: 3, tileY: 2, draw: 1), Array(ref.prefix(8)))
  }

  /// Two DDIM steps (eta 0.5, so the step noise is used too) against `ddim_sample` in Python, with the
  /// same bound as the single forwards, 1e-4·max(1, max|ref|) (measured 6.4e-6: the noise is
  /// bit-identical and the UNet's ~1e-5 differences are not amplified beyond that in two steps).
  func testDDIMMatchesPython() throws {
    let net = try DiffusionUNet(contentsOf: DiffusionFixtures.weightsPath)
    let c = try DiffusionFixtures.cases()
    let ref = try c.tensor("ref.emb")
    for (name, r) in [("ddim.x0", nil), ("ddim.x0ref", ref)] as [(String, Tensor?)] {
      let x0 = DDIMSampler.sample(
        network: net, fill: try c.tensor("ddim.fill"), condition: try c.tensor("ddim.cond"), reference: r,
        steps: 2, eta: 0.5, strength: 0.6, seed: 5, tile: (3, 2))
      assertClose(x0, try c.tensor(name), tol: 1e-4, name)
    }
  }

  func testDDIMIsDeterministicAndSeeded() throws {
    let net = try DiffusionUNet(contentsOf: DiffusionFixtures.weightsPath)
    let c = try DiffusionFixtures.cases()
    func run(_ seed: Int, _ tile: (Int, Int)) throws -> [Float] {
      DDIMSampler.sample(
        network: net, fill: try c.tensor("ddim.fill"), condition: try c.tensor("ddim.cond"), reference: nil,
        steps: 3, eta: 1, strength: 0.7, seed: seed, tile: tile
      ).toArray()
    }
    let a = try run(1, (0, 0)), b = try run(1, (0, 0))
    XCTAssertEqual(a, b, "same seed and tile must be bit-identical")
    XCTAssertNotEqual(a, try run(2, (0, 0)), "another seed must change the sample")
    XCTAssertNotEqual(a, try run(1, (1, 0)), "another tile must change the sample")
  }
}
