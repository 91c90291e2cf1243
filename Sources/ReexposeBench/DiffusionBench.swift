import Diffusion
import Dispatch
import Execution
import Foundation
import Imaging
import NN
import Pipeline
import TestSupport

/// `reexpose-bench N --diffusion [--threads=K]`: one UNet forward on a 64×64 tile (per layer too), a 4-step DDIM
/// tile, and a whole 1080p frame with a clipped disc at the default params (working 480×270), with the shipped
/// weights (`Models/diffusion.safetensors`, else zero weights of the same cost). Wall ms; release builds only.
enum DiffusionBench {
  static func run(frames: Int) throws -> Bool {
    let args = CommandLine.arguments
    guard args.contains("--diffusion") else { return false }
    let threads = args.first { $0.hasPrefix("--threads=") }.flatMap { Int($0.dropFirst(10)) }
    let model = try? ModelLocator().locate(DiffusionParams().model)
    try ExecutionContext(workers: threads).run { try timeTilesAndFrame(modelPath: model) }
    return true
  }

  static func timeTilesAndFrame(modelPath: String?) throws {
    let net = try modelPath.map { try DiffusionUNet(contentsOf: $0) } ?? DiffusionUNet()
    let pool = TensorPool()
    func ms(_ body: () -> Void) -> Double {
      let t0 = DispatchTime.now().uptimeNanoseconds
      body()
      return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }
    let x = Tensor(zeros: Shape(1, 3, 64, 64))
    let cond = Tensor(zeros: Shape(1, 12, 64, 64))
    for i in 0..<x.count { x.data[i] = Float((i * 7919) % 1000) / 500 - 1 }
    for i in 0..<cond.count { cond.data[i] = Float((i * 104_729) % 1000) / 1000 }
    _ = net(x, t: [300], condition: cond, reference: nil, pool: pool)
    let fwd = (0..<7).map { _ in ms { _ = net(x, t: [300], condition: cond, reference: nil, pool: pool) } }.sorted()
    // Per-layer split of one forward (medians of 7).
    func median(_ body: () -> Void) -> Double { (0..<7).map { _ in ms(body) }.sorted()[3] }
    let temb = net.timeEmbedding([300], reference: nil, pool: pool)
    let input = Tensor.concat([x, cond], pool: pool)
    let h0 = net.convIn(input, pool: pool)
    let r1 = net.res1(h0, siluTemb: temb, pool: pool)
    let d1 = net.down1(r1, pool: pool)
    let r2 = net.res2(d1, siluTemb: temb, pool: pool)
    let d2 = net.down2(r2, pool: pool)
    let m = net.mid(d2, siluTemb: temb, pool: pool)
    let u2 = net.up2(m, pool: pool)
    let e2 = net.dec2(u2, siluTemb: temb, pool: pool)
    let u1 = net.up1(e2, pool: pool)
    let e1 = net.dec1(u1, siluTemb: temb, pool: pool)
    let parts: [(String, Double)] = [
      ("convIn", median { _ = net.convIn(input, pool: pool) }),
      ("res1", median { _ = net.res1(h0, siluTemb: temb, pool: pool) }),
      ("down1", median { _ = net.down1(r1, pool: pool) }),
      ("res2", median { _ = net.res2(d1, siluTemb: temb, pool: pool) }),
      ("down2", median { _ = net.down2(r2, pool: pool) }),
      ("mid", median { _ = net.mid(d2, siluTemb: temb, pool: pool) }),
      ("up2", median { _ = net.up2(m, pool: pool) }),
      ("dec2", median { _ = net.dec2(u2, siluTemb: temb, pool: pool) }),
      ("up1", median { _ = net.up1(e2, pool: pool) }),
      ("dec1", median { _ = net.dec1(u1, siluTemb: temb, pool: pool) }),
      ("normOut", median { _ = net.normOut(e1, pool: pool) }),
      ("convOut", median { _ = net.convOut(e1, pool: pool) }),
      ("gn24", median { _ = net.res1.norm1(h0, pool: pool) }),
      ("conv24", median { _ = net.res1.conv1(h0, pool: pool) }),
    ]
    print("per layer (ms): " + parts.map { "\($0.0) \(String(format: "%.2f", $0.1))" }.joined(separator: ", "))
    let ddim = (0..<5).map { _ in
      ms {
        _ = DDIMSampler.sample(
          network: net, fill: x, condition: cond, reference: nil, steps: 4, eta: 0, strength: 0.5, seed: 0,
          tile: (0, 0), pool: pool)
      }
    }.sorted()
    let inp = try DiffusionInpainter(network: net, params: DiffusionParams())
    let (src, over) = clippedFrame(width: 1920, height: 1080, radius: 200)
    var coverage = 0
    for i in 0..<over.planeSize where over.data[i] > 0.05 { coverage += 1 }
    var frames: [Double] = []
    var last = src
    for _ in 0..<3 {
      let img = src.copy()
      frames.append(ms { inp.apply(to: img, overMask: over, underMask: nil) })
      last = img
    }
    frames.sort()
    // Mean linear luminance-ish value (mean of R, G, B) inside the fully clipped disc, before/after.
    var before = 0.0, after = 0.0, count = 0
    for i in 0..<over.planeSize where over.data[i] >= 1 {
      for c in 0..<3 {
        before += Double(src.plane(c)[i])
        after += Double(last.plane(c)[i])
      }
      count += 3
    }
    print("inside the clipped disc: mean linear \(before / Double(max(count, 1))) -> \(after / Double(max(count, 1)))")
    print(
      "Diffusion UNet 64x64 forward: median \(fwd[3]) ms; DDIM 4 steps/tile: median \(ddim[2]) ms; "
        + "1080p frame (\(String(format: "%.1f", 100 * Double(coverage) / Double(over.planeSize)))% masked, "
        + "\(inp.tilesLastFrame) tiles): median \(frames[1]) ms")
  }
}
