import Dispatch
import Fusion
import Imaging
import Media
import NN
import Pipeline

/// `reexpose-bench N --fusion [--model=PATH]`: in-process timings of the REHDR fusion stage at 1080p, by
/// phase (input preparation, network step, guided gain upsampling) and as a whole stage push. Wall ms;
/// meaningful on an otherwise idle machine only.
enum FusionBench {
  static func run(frames: Int) throws -> Bool {
    let args = CommandLine.arguments
    guard args.contains("--fusion") else { return false }
    var params = FusionParams()
    params.enabled = true
    if let m = args.first(where: { $0.hasPrefix("--model=") }) { params.model = String(m.dropFirst(8)) }
    let width = 1920, height = 1080
    let stage = try FusionStage(params: params, output: OutputParams())
    print("fusion: ms/frame at \(width)x\(height), working \(params.workingSize(width: width, height: height)), "
      + "\(frames) frames, \(Parallel.workers) workers, weights \(stage.modelPath)")
    let master = PlanarImage(width: width, height: height, channels: 3)
    for y in 0..<height {
      for x in 0..<width {
        let dx = Float(x - 1200), dy = Float(y - 300)
        let sun: Float = dx * dx + dy * dy < 150 * 150 ? 1 : 0
        master[0, y, x] = max(sun, 0.1 + 0.6 * Float(x) / Float(width))
        master[1, y, x] = max(sun, 0.2 + 0.4 * Float(y) / Float(height))
        master[2, y, x] = max(sun, 0.3)
      }
    }
    let (ww, wh) = params.workingSize(width: width, height: height)
    let small = PlanarImage(width: ww, height: wh, channels: 3)
    let net = stage.network, state = REHDRState(), pool = TensorPool()
    let applier = GainMapApplier(params: .init(radius: params.guideRadiusPixels, epsilon: params.guideEpsilon))
    var t: [String: Double] = [:]
    func time(_ label: String, _ body: () throws -> Void) rethrows {
      let t0 = DispatchTime.now().uptimeNanoseconds
      try body()
      t[label, default: 0] += Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    }
    var gain: Tensor?
    for _ in 0..<(frames + 1) {
      time("area downscale") { AreaResize.apply(master, into: small) }
      time("network step") {
        gain = net.step(input: REHDRInput.encode(small, pool: pool), events: nil, state: state, pool: pool)
      }
      time("guided upsampling") { _ = applier.upsampledGain(gain!, guide: master) }
      let frame = Frame(image: master.copy(), pts: 0, index: 0)
      try time("stage push (all)") { _ = try stage.push(frame) }
    }
    for label in ["area downscale", "network step", "guided upsampling", "stage push (all)"] {
      print("  \(label.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(format: "%7.2f", t[label]! / Double(frames + 1))) ms")
    }
    return true
  }
}
