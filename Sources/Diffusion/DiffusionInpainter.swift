import Color
import Execution
import Imaging
import NN
import Parameters

/// Diffusion inpainting of over-exposed regions: DDIM from the PDE fill on the tiles that need it.
///
/// Per frame (``apply(to:overMask:underMask:)``):
/// 1. Skip (bit-identical output, previous output forgotten) when no pixel of `overMask` exceeds
///    `maskThreshold`, or when `strength` is 0 (the sample would be the fill itself).
/// 2. Area-downscale frame and masks to the working size (`workingScale`); Log-Gamma codes E.
/// 3. Tile the working frame (side S = `tileSizePixels`, overlap S/4, edge tiles shifted inside,
///    replicate padding when the frame is smaller than S); a tile runs when its max over mask
///    exceeds `maskThreshold`. Its noise is keyed by (seed, tile column, tile row).
/// 4. Per running tile: condition = [fill, LDR·(1 − over), over, under, previous output, flag]
///    (x = 2E − 1), ``DDIMSampler`` → x₀; the difference E(x₀) − E_fill is accumulated with a
///    feathered weight (ramps over the overlap).
/// 5. The difference is guided-upsampled to the frame, its fine detail scaled by `detailWeight`, and blended by
///    the full-resolution over mask (``DiffusionBlend``), times the rebuilt-above-white ramp when `rebuiltRampLinear` > 0: pixels with
///    weight 0 keep their exact values. With `keepFillHue` the changed pixels then take the fill's hue at
///    their new luminance.
/// 6. The blended working-resolution result is kept as the next frame's "previous output" (a network
///    condition only with `conditionOnPrevious`).
///
/// Not thread-safe: one instance per stream.
public final class DiffusionInpainter {
  /// The validated parameters.
  public let params: DiffusionParams
  /// The weights file the network came from.
  public let weightsPath: String
  /// The network.
  public let network: DiffusionUNet
  /// Tiles that ran on the last frame (0 when it was skipped).
  public private(set) var tilesLastFrame = 0
  /// Previous output at the working resolution, Log-Gamma codes [3, h, w]; nil after a reset.
  private var previous: PlanarImage?
  /// Reference embedding [1, 128, 1, 1] or nil.
  private var reference: Tensor?
  private let pool = TensorPool()
  /// One pool per tile worker (tiles run side by side when NN has more than one thread).
  private var pools: [TensorPool] = []

  /// Loads the network and checks `params`.
  /// - Throws: `DiffusionError.weights` naming `path` (missing, truncated or corrupt file, missing
  ///   tensor, wrong shapes); `ParameterError` (key = field name) for out-of-range parameters.
  public init(contentsOf path: String, params: DiffusionParams = .default) throws {
    try params.validate()
    self.params = params
    weightsPath = path
    do {
      network = try DiffusionUNet(contentsOf: path)
    } catch let e as NNError {
      throw DiffusionError.weights(path: path, underlying: e)
    }
  }

  /// Wraps an already loaded network (tests, benchmarks, callers that share one network).
  /// - Throws: `ParameterError` (key = field name) for out-of-range parameters.
  public init(network: DiffusionUNet, params: DiffusionParams = .default, weightsPath: String = "") throws {
    try params.validate()
    self.params = params
    self.network = network
    self.weightsPath = weightsPath
  }

  /// Sets (or clears, with nil) the reference still: linear HDR [3, h, w], any size and exposure.
  public func setReference(_ image: PlanarImage?) {
    guard let image else {
      reference = nil
      return
    }
    let x = ReferenceEncoding.prepare(image, pool: pool)
    reference = network.encodeReference(x, pool: pool).copy()
  }

  /// Whether a reference still is set.
  public var hasReference: Bool { reference != nil }

  /// Scene cut: forgets the previous output.
  public func reset() { previous = nil }

  /// Inpaints `image` in place.
  /// - Parameters:
  ///   - image: [3, H, W] linear BT.709 (1.0 = SDR white), already PDE-filled; modified in place.
  ///   - overMask: [1, H, W] soft over-exposure mask 0…1.
  ///   - underMask: [1, H, W] soft under-exposure mask 0…1, or nil (zeros).
  public func apply(to image: PlanarImage, overMask: PlanarImage, underMask: PlanarImage?) {
    precondition(image.channels == 3, "image must be [3, H, W]")
    precondition(
      overMask.channels == 1 && overMask.width == image.width && overMask.height == image.height,
      "overMask must be [1, H, W] like the image")
    if let underMask {
      precondition(
        underMask.channels == 1 && underMask.width == image.width && underMask.height == image.height,
        "underMask must be [1, H, W] like the image")
    }
    let p = params
    tilesLastFrame = 0
    // MARK: 1. Skip frames without over-exposure (or nothing to sample)
    var peak: Float = 0
    for i in 0..<overMask.planeSize { peak = max(peak, overMask.data[i]) }
    guard peak > p.maskThreshold, !NoiseSchedule.timesteps(strength: p.strength, count: p.steps).isEmpty else {
      reset()
      return
    }

    // MARK: 2. Working resolution
    let W = image.width, H = image.height
    let w = min(W, max(1, Int((Float(W) * p.workingScale).rounded())))
    let h = min(H, max(1, Int((Float(H) * p.workingScale).rounded())))
    let small = AreaResize.resize(image, width: w, height: h)
    let overS = AreaResize.resize(overMask, width: w, height: h)
    let underS = underMask.map { AreaResize.resize($0, width: w, height: h) }
    let fillE = PlanarImage(width: w, height: h, channels: 3)
    Parallel.forRanges(3 * w * h, minChunk: 4096) { s, e in
      LogGammaLanes.encode(small.data + s, into: fillE.data + s, count: e - s)
    }
    if let prev = previous, prev.width != w || prev.height != h { reset() }

    // MARK: 3–4. Tiles
    let diff = runTiles(fillE: fillE, over: overS, under: underS)

    // MARK: 6. Previous output for the next frame
    let next = PlanarImage(width: w, height: h, channels: 3)
    let n = w * h
    for c in 0..<3 {
      let f = fillE.plane(c), d = diff.plane(c), o = next.plane(c)
      for i in 0..<n { o[i] = f[i] + overS.data[i] * d[i] }
    }
    previous = next
    guard tilesLastFrame > 0 else { return }

    // MARK: 5. Guided upsampling and blend at full resolution
    // The detail grows from noise keyed by tile position: it would stay on the screen under a pan.
    let (a, b, detail) = DiffusionBlend.coefficients(diff: diff, small: small, detailWeight: p.detailWeight)
    let weight = p.rebuiltRampLinear > 0 ? DiffusionBlend.rampedMask(overMask, fill: image, ramp: p.rebuiltRampLinear) : overMask
    let fill = p.keepFillHue ? image.copy() : nil
    DiffusionBlend.apply(a: a, b: b, detail: detail, to: image, over: weight)
    if let fill { DiffusionBlend.keepHue(of: fill, in: image, where: weight) }
  }

  /// Tile origins along one axis of length `n` for side `s` and stride `stride`.
  static func origins(_ n: Int, side s: Int, stride: Int) -> [Int] {
    if n <= s { return [0] }
    let count = (n - s + stride - 1) / stride + 1
    return (0..<count).map { min($0 * stride, n - s) }
  }

  /// Feather weight of tile pixel i (0..<s) for overlap `o`: ramps 1/(o+1) … 1 over the overlap.
  static func feather(_ i: Int, side s: Int, overlap o: Int) -> Float {
    let d = min(i + 1, s - i)
    return min(1, Float(d) / Float(o + 1))
  }

  /// Runs every masked tile; returns the Log-Gamma difference [3, h, w] (0 where nothing ran).
  ///
  /// Tiles are independent (each has its own noise), so with more than one worker in the current
  /// context they run side by side, one per worker, each in a one-worker child context (its kernels run
  /// inline: the 64×64 convolutions gain little from threads inside a layer); results are accumulated
  /// afterwards in tile order, so the output does not depend on scheduling.
  private func runTiles(fillE: PlanarImage, over: PlanarImage, under: PlanarImage?) -> PlanarImage {
    let p = params, s = p.tileSizePixels, overlap = s / 4, stride = s - overlap
    let w = fillE.width, h = fillE.height
    let acc = PlanarImage(width: w, height: h, channels: 3)
    let wsum = PlanarImage(width: w, height: h, channels: 1)
    acc.fill(0)
    wsum.fill(0)
    let xs = Self.origins(w, side: s, stride: stride), ys = Self.origins(h, side: s, stride: stride)
    // The tiles that need to run.
    var jobs: [(tx: Int, ty: Int, ox: Int, oy: Int)] = []
    for (ty, oy) in ys.enumerated() {
      for (tx, ox) in xs.enumerated() {
        var m: Float = 0
        for y in oy..<min(oy + s, h) {
          let row = over.row(0, y)
          for x in ox..<min(ox + s, w) { m = max(m, row[x]) }
        }
        if m > p.maskThreshold { jobs.append((tx, ty, ox, oy)) }
      }
    }
    tilesLastFrame = jobs.count
    let prev = p.conditionOnPrevious ? previous : nil
    var results = [(x0: Tensor, fill: Tensor)?](repeating: nil, count: jobs.count)
    let context = ExecutionContext.current
    let workers = min(context.workers, jobs.count)
    if workers > 1 {
      while pools.count < workers { pools.append(TensorPool()) }
      let pools = self.pools
      let tileContext = context.with(workers: 1)
      results.withUnsafeMutableBufferPointer { out in
        let slots = out
        tileContext.concurrentPerform(iterations: workers) { worker in
          var k = worker
          while k < jobs.count {
            slots[k] = self.sampleTile(jobs[k], fillE: fillE, over: over, under: under, previous: prev, pool: pools[worker])
            k += workers
          }
        }
      }
    } else {
      for k in 0..<jobs.count {
        results[k] = sampleTile(jobs[k], fillE: fillE, over: over, under: under, previous: prev, pool: pool)
      }
    }
    // Accumulate the feathered differences (in-frame pixels only), in tile order.
    let plane = s * s
    for (k, job) in jobs.enumerated() {
      guard let r = results[k] else { continue }
      let ox = job.ox, oy = job.oy
      for y in 0..<min(s, h - oy) {
        let fy = Self.feather(y, side: s, overlap: overlap)
        for x in 0..<min(s, w - ox) {
          let wt = fy * Self.feather(x, side: s, overlap: overlap)
          let j = y * s + x
          wsum[0, oy + y, ox + x] += wt
          for ch in 0..<3 {
            let d = (r.x0.data[ch * plane + j] - r.fill.data[ch * plane + j]) * 0.5
            acc[ch, oy + y, ox + x] += wt * d
          }
        }
      }
    }
    for i in 0..<(w * h) where wsum.data[i] > 0 {
      let inv = 1 / wsum.data[i]
      for ch in 0..<3 { acc.data[ch * w * h + i] *= inv }
    }
    return acc
  }

  /// Gathers one tile's fill and condition (replicate padding past the frame edge) and samples it.
  private func sampleTile(
    _ job: (tx: Int, ty: Int, ox: Int, oy: Int), fillE: PlanarImage, over: PlanarImage, under: PlanarImage?,
    previous prev: PlanarImage?, pool: TensorPool
  ) -> (x0: Tensor, fill: Tensor) {
    let p = params, s = p.tileSizePixels, w = fillE.width, h = fillE.height
    let plane = s * s
    let fill = pool.tensor(Shape(1, 3, s, s))
    let cond = pool.tensor(Shape(1, DiffusionUNet.conditionChannels, s, s))
    let c = cond.data
    for y in 0..<s {
      let sy = min(job.oy + y, h - 1)
      for x in 0..<s {
        let sx = min(job.ox + x, w - 1)
        let j = y * s + x
        let o = over[0, sy, sx]
        c[6 * plane + j] = o
        c[7 * plane + j] = under.map { $0[0, sy, sx] } ?? 0
        for ch in 0..<3 {
          let e = 2 * fillE[ch, sy, sx] - 1
          fill.data[ch * plane + j] = e
          c[ch * plane + j] = e
          c[(3 + ch) * plane + j] = e * (1 - o)
          c[(8 + ch) * plane + j] = prev.map { 2 * $0[ch, sy, sx] - 1 } ?? 0
        }
        c[11 * plane + j] = prev == nil ? 0 : 1
      }
    }
    let x0 = DDIMSampler.sample(
      network: network, fill: fill, condition: cond, reference: reference, steps: p.steps, eta: p.eta,
      strength: p.strength, seed: p.seed, tile: (job.tx, job.ty), pool: pool)
    return (x0, fill)
  }
}
