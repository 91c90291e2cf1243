import Imaging

/// Rebuilds clipped highlights of a linear frame: partly clipped channels from the unclipped ones, fully
/// clipped regions by multiscale guided diffusion in Log-Gamma space.
///
/// Steps (all in place on the [3, H, W] linear BT.709 image; only pixels with a channel ≥ `clipLinear` change):
/// 1. classify pixels by their number of clipped channels (``ClipMap``);
/// 2. learn local chroma ratios on the unclipped bright ring around clipped pixels (``ChromaField``);
/// 3. partly clipped pixels: scale = Σ unclipped values / Σ their ratios, clipped channel c ← k_c·scale
///    (mixed with the mean of the unclipped channels by 1 − `chromaCarry`), never below its recorded value;
/// 4. fully clipped regions: intensity (R+G+B)/3 in Log-Gamma is filled by ``PoissonFill`` from the boundary,
///    guided by the surrounding gradients pushed inwards (so a clipped dome keeps rising), clamped to
///    [recorded, `fillPeakLinear`]; channels follow the chroma ratios;
/// 5. each change is blended by the over-exposure mask when one is given.
/// Holds only scratch state (no temporal state). Not thread-safe.
public final class HighlightReconstructor {
  /// Validated parameters.
  public let params: HighlightParams
  private var map: ClipMap?
  private let scratch = ScratchImages()

  /// Creates a reconstructor; throws ``ParameterError`` when `params` is out of range.
  public init(params: HighlightParams = HighlightParams()) throws {
    try params.validate()
    self.params = params
  }

  /// Reconstructs clipped highlights of `image` ([3, H, W] linear) in place.
  /// - Parameter overMask: [1, H, W] blend weight in 0...1 (nil = 1 everywhere).
  public func apply(to image: PlanarImage, overMask: PlanarImage? = nil) {
    guard params.enabled, image.channels >= 3 else { return }
    if let m = overMask { precondition(m.width == image.width && m.height == image.height, "mask size") }
    let w = image.width, h = image.height
    let map: ClipMap
    if let m = self.map, m.width == w, m.height == h {
      map = m
    } else {
      map = ClipMap(width: w, height: h)
      self.map = map
    }
    map.classify(image, clip: params.clipLinear)
    if map.anyBox.isEmpty { return }
    let chroma = ChromaField(image: image, clip: params.clipLinear, box: map.anyBox.expanded(by: 64, width: w, height: h))
    rebuildPartlyClipped(image, map, chroma, overMask)
    if !map.allBox.isEmpty { fillFullyClipped(image, map, chroma, overMask) }
  }

  // MARK: - Partly clipped pixels

  private func rebuildPartlyClipped(_ image: PlanarImage, _ map: ClipMap, _ chroma: ChromaField, _ mask: PlanarImage?) {
    let box = map.anyBox, w = image.width
    let clip = params.clipLinear, carry = params.chromaCarry, top = max(params.fillPeakLinear, clip)
    let ratio = params.maxChromaRatio
    Parallel.forRanges(box.height, minChunk: 8) { start, end in
      for y in (box.y0 + start)..<(box.y0 + end) {
        let rows = (image.row(0, y), image.row(1, y), image.row(2, y))
        let counts = map.counts + y * w
        let m = mask?.row(0, y)
        for x in box.x0...box.x1 {
          let n = counts[x]
          if n == 0 || n == 3 { continue }
          let k = chroma.sample(x, y)
          let v = (rows.0[x], rows.1[x], rows.2[x])
          let u = (v.0 < clip ? Float(1) : 0, v.1 < clip ? Float(1) : 0, v.2 < clip ? Float(1) : 0)
          let sumU = u.0 * v.0 + u.1 * v.1 + u.2 * v.2, sumK = u.0 * k.0 + u.1 * k.1 + u.2 * k.2
          let meanU = sumU / (u.0 + u.1 + u.2), scale = sumU / max(sumK, 1e-3)
          let a = m?[x] ?? 1
          // Saturation bound: a rebuilt channel stays within maxChromaRatio of the brightest recorded value.
          let bound = min(top, ratio * max(v.0, v.1, v.2))
          @inline(__always) func rebuilt(_ v: Float, _ k: Float) -> Float {
            let est = min(max(carry * k * scale + (1 - carry) * meanU, v), bound)
            return v + a * (est - v)
          }
          if u.0 == 0 { rows.0[x] = rebuilt(v.0, k.0) }
          if u.1 == 0 { rows.1[x] = rebuilt(v.1, k.1) }
          if u.2 == 0 { rows.2[x] = rebuilt(v.2, k.2) }
        }
      }
    }
  }

  // MARK: - Fully clipped regions

  private func fillFullyClipped(_ image: PlanarImage, _ map: ClipMap, _ chroma: ChromaField, _ mask: PlanarImage?) {
    let box = map.allBox.expanded(by: 8, width: image.width, height: image.height)
      .roundedUp(to: 32, width: image.width, height: image.height)
    let cw = box.width, ch = box.height, fullW = image.width
    let e = scratch.image(0, width: cw, height: ch)
    let unknown = scratch.image(1, width: cw, height: ch)
    let recorded = scratch.image(2, width: cw, height: ch)
    // 1. Intensity in Log-Gamma and the unknown mask over the crop.
    Parallel.forRanges(ch, minChunk: 8) { start, end in
      for y in start..<end {
        let fy = y + box.y0
        let r = image.row(0, fy) + box.x0, g = image.row(1, fy) + box.x0, b = image.row(2, fy) + box.x0
        let er = e.row(0, y), ur = unknown.row(0, y)
        let counts = map.counts + fy * fullW + box.x0
        var x = 0
        while x + 8 <= cw {
          let mean = (SIMDLoad.load8(r + x) + SIMDLoad.load8(g + x) + SIMDLoad.load8(b + x)) * (1.0 / 3)
          SIMDLoad.store8(LogGammaLanes.encode(mean), er + x)
          x += 8
        }
        while x < cw {
          er[x] = LogGammaLanes.encode((r[x] + g[x] + b[x]) * (1.0 / 3))
          x += 1
        }
        for x in 0..<cw { ur[x] = counts[x] == 3 ? 1 : 0 }
      }
    }
    recorded.assign(from: e)
    // 2. Multiscale guided fill.
    let solver = PoissonFill(
      iterations: params.diffusionIterations, coarsestSize: params.coarsestSizePixels, scratch: scratch)
    solver.solve(values: e, unknown: unknown)
    // 3. Back to linear RGB for the unknown pixels, channels split by the chroma ratios.
    let carry = params.chromaCarry, peak = params.fillPeakLinear, ratio = params.maxChromaRatio
    let ePeak = LogGammaLanes.encode(peak)
    let table = chroma.columns(x0: box.x0, count: cw)
    let ratioWidth = chroma.ratios.width
    Parallel.forRanges(ch, minChunk: 8) { start, end in
      let buf = UnsafeMutablePointer<Float>.allocate(capacity: 4 * cw + 3 * ratioWidth + 8)
      defer { buf.deallocate() }
      let lin = buf, k = buf + cw
      for y in start..<end {
        let fy = y + box.y0
        let er = e.row(0, y), rec = recorded.row(0, y), ur = unknown.row(0, y)
        var x = 0
        while x + 8 <= cw {
          let ev = SIMDMath.max(SIMDMath.min(SIMDLoad.load8(er + x), SIMD8(repeating: ePeak)), SIMDLoad.load8(rec + x))
          SIMDLoad.store8(LogGammaLanes.decode(ev), lin + x)
          x += 8
        }
        while x < cw {
          lin[x] = LogGammaLanes.decode(max(min(er[x], ePeak), rec[x]))
          x += 1
        }
        chroma.sampleRow(fy, table: table, into: k, scratch: buf + 4 * cw)
        // Per-pixel chroma factors f_c = carry·3·k_c + (1 − carry) (mean 1); their spread around 1 is scaled
        // down so the largest is at most maxChromaRatio (hue kept, saturation bounded).
        for x in 0..<cw where ur[x] > 0 {
          let f0 = carry * 3 * k[x] + (1 - carry), f1 = carry * 3 * k[cw + x] + (1 - carry)
          let f2 = carry * 3 * k[2 * cw + x] + (1 - carry)
          let top = max(f0, f1, f2)
          let s: Float = top > ratio ? (ratio - 1) / (top - 1) : 1
          k[x] = 1 + (f0 - 1) * s
          k[cw + x] = 1 + (f1 - 1) * s
          k[2 * cw + x] = 1 + (f2 - 1) * s
        }
        let factors = [k, k + cw, k + 2 * cw]
        let m = mask?.row(0, fy)
        for c in 0..<3 {
          let row = image.row(c, fy) + box.x0, fc = factors[c]
          for x in 0..<cw where ur[x] > 0 {
            let v = row[x]
            let target = fc[x] * lin[x]
            let est = max(min(target, peak), v)
            row[x] = v + (m?[x + box.x0] ?? 1) * (est - v)
          }
        }
      }
    }
  }
}
