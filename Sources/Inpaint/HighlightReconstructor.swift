import Color
import Dispatch
import Imaging
import Parameters
import VectorMath

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
/// Cost (1080p, 2 workers): every pass is SIMD8 over rows in parallel; the fill works on the crop around the
/// fully clipped pixels (codes of far, all-known tiles per 2×2 block), the solver relaxes its large levels
/// only near known pixels (``PoissonFill``), and all buffers are reused across frames (``ScratchImages``).
/// Holds scratch buffers and, for `fillTemporalBlend`, the previous frame's fill (``resetTemporal()`` at a scene
/// cut). Not thread-safe.
public final class HighlightReconstructor {
  /// Validated parameters.
  public let params: HighlightParams
  private var map: ClipMap?
  private let scratch = ScratchImages()
  /// Whether `apply` records per-phase wall times into ``profile`` (for benchmarks; off by default).
  public var profiling = false
  /// Accumulated wall milliseconds per phase since the last ``resetProfile()``, in phase order.
  public private(set) var profile: [(String, Double)] = []

  /// Clears ``profile``.
  public func resetProfile() { profile = [] }

  /// The previous frame's filled codes and unknown mask over its fill crop (for the temporal blend), views of
  /// `previousScratch`.
  private var previous: (e: PlanarImage, unknown: PlanarImage, box: PixelBox, width: Int, height: Int)?
  private let previousScratch = ScratchImages()

  /// Forgets the previous frame (a scene cut: its fill says nothing about this one).
  public func resetTemporal() { previous = nil }

  /// Runs `body`, adding its wall time to phase `label` when profiling.
  @inline(__always)
  func phase<T>(_ label: String, _ body: () -> T) -> T {
    guard profiling else { return body() }
    let t0 = DispatchTime.now().uptimeNanoseconds
    let r = body()
    let ms = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    if let i = profile.firstIndex(where: { $0.0 == label }) { profile[i].1 += ms } else { profile.append((label, ms)) }
    return r
  }

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
    phase("classify") { map.classify(image, clip: params.clipLinear) }
    if map.anyBox.isEmpty {
      previous = nil
      return
    }
    // The fill's crop; the chroma field covers it and the partly clipped pixels' surroundings.
    let fillBox = map.allBox.isEmpty
      ? PixelBox.empty
      : map.allBox.expanded(by: 8, width: w, height: h).roundedUp(to: 32, width: w, height: h)
    var chromaBox = map.anyBox.expanded(by: 64, width: w, height: h)
    chromaBox.merge(fillBox)
    let chroma = phase("chroma") { ChromaField(image: image, clip: params.clipLinear, box: chromaBox, scratch: scratch.child(2)) }
    phase("partial") { rebuildPartlyClipped(image, map, chroma, overMask) }
    if !fillBox.isEmpty { fillFullyClipped(image, fillBox, chroma, overMask) } else { previous = nil }
  }

  /// Floats of per-row scratch for ``ChromaField/sampleRowLanes(_:into:scratch:)`` plus `extra`.
  private func rowScratch(_ chroma: ChromaField, extra: Int) -> Int {
    3 * chroma.boxWidth + 3 * (chroma.ratios.width + 2) + 16 + extra
  }

  // MARK: - Partly clipped pixels

  private func rebuildPartlyClipped(_ image: PlanarImage, _ map: ClipMap, _ chroma: ChromaField, _ mask: PlanarImage?) {
    let box = map.anyBox
    let clip = params.clipLinear, carry = params.chromaCarry, top = max(params.fillPeakLinear, clip)
    let ratio = params.maxChromaRatio
    let kw = chroma.boxWidth, scratchCount = rowScratch(chroma, extra: 0)
    typealias V = SIMD8<Float>
    let one = V(repeating: 1), zero = V(repeating: 0)
    Parallel.forRanges(box.height, minChunk: 8) { start, end in
      let buf = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
      defer { buf.deallocate() }
      let k = buf, sampleScratch = buf + 3 * kw
      for y in (box.y0 + start)..<(box.y0 + end) {
        let r = image.row(0, y), g = image.row(1, y), b = image.row(2, y)
        let m = mask?.row(0, y)
        var sampled = false
        // Lanes: columns x ..< x + 8 of the image; k columns offset by the chroma crop origin.
        var x = box.x0
        while x <= box.x1 {
          let n = min(8, box.x1 + 1 - x)
          var v0 = zero, v1 = zero, v2 = zero
          if n == 8 {
            v0 = SIMDLoad.load8(r + x); v1 = SIMDLoad.load8(g + x); v2 = SIMDLoad.load8(b + x)
          } else {
            for i in 0..<n { v0[i] = r[x + i]; v1[i] = g[x + i]; v2[i] = b[x + i] }
          }
          let c0 = v0 .>= clip, c1 = v1 .>= clip, c2 = v2 .>= clip
          let nClip = zero.replacing(with: one, where: c0) + zero.replacing(with: one, where: c1)
            + zero.replacing(with: one, where: c2)
          var partial = (nClip .> 0.5) .& (nClip .< 2.5)
          if n < 8 { for i in n..<8 { partial[i] = false } }
          if LaneReduce.max(zero.replacing(with: one, where: partial)) == 0 {
            x += 8
            continue
          }
          if !sampled {
            chroma.sampleRowLanes(y, into: k, scratch: sampleScratch)
            sampled = true
          }
          let kx = x - chroma.originX
          var k0 = zero, k1 = zero, k2 = zero
          if n == 8 {
            k0 = SIMDLoad.load8(k + kx); k1 = SIMDLoad.load8(k + kw + kx); k2 = SIMDLoad.load8(k + 2 * kw + kx)
          } else {
            for i in 0..<n { k0[i] = k[kx + i]; k1[i] = k[kw + kx + i]; k2[i] = k[2 * kw + kx + i] }
          }
          let u0 = one.replacing(with: 0, where: c0), u1 = one.replacing(with: 0, where: c1)
          let u2 = one.replacing(with: 0, where: c2)
          let sumU = u0 * v0 + u1 * v1 + u2 * v2, sumK = u0 * k0 + u1 * k1 + u2 * k2
          let meanU = sumU / SIMDMath.max(u0 + u1 + u2, one)
          let scale = sumU / SIMDMath.max(sumK, V(repeating: 1e-3))
          var a = one
          if let m {
            if n == 8 { a = SIMDLoad.load8(m + x) } else { for i in 0..<n { a[i] = m[x + i] } }
          }
          // Saturation bound: a rebuilt channel stays within maxChromaRatio of the brightest recorded value.
          let bound = SIMDMath.min(V(repeating: top), ratio * SIMDMath.max(v0, SIMDMath.max(v1, v2)))
          let base = (1 - carry) * meanU, cs = carry * scale
          let e0 = SIMDMath.min(SIMDMath.max(cs * k0 + base, v0), bound)
          let e1 = SIMDMath.min(SIMDMath.max(cs * k1 + base, v1), bound)
          let e2 = SIMDMath.min(SIMDMath.max(cs * k2 + base, v2), bound)
          let o0 = v0.replacing(with: v0 + a * (e0 - v0), where: partial .& c0)
          let o1 = v1.replacing(with: v1 + a * (e1 - v1), where: partial .& c1)
          let o2 = v2.replacing(with: v2 + a * (e2 - v2), where: partial .& c2)
          if n == 8 {
            SIMDLoad.store8(o0, r + x); SIMDLoad.store8(o1, g + x); SIMDLoad.store8(o2, b + x)
          } else {
            for i in 0..<n { r[x + i] = o0[i]; g[x + i] = o1[i]; b[x + i] = o2[i] }
          }
          x += 8
        }
      }
    }
  }

  // MARK: - Fully clipped regions

  /// Closes the unknown mask by `holeRadiusPixels` (holes and gaps narrower than the square become unknown) and
  /// sets bit 0 of the tiles that gained unknown pixels.
  private func closeHoles(_ unknown: PlanarImage, flags: UnsafeMutablePointer<UInt8>, tile t: Int, tilesWide tw: Int, tilesHigh th: Int) {
    let tmp = scratch.image(3, width: unknown.width, height: unknown.height)
    Morphology.close(unknown, radius: params.holeRadiusPixels, into: unknown, scratch: tmp)
    let cw = unknown.width, ch = unknown.height
    Parallel.forRanges(th, minChunk: 2) { start, end in
      for ty in start..<end {
        for tx in 0..<tw where flags[ty * tw + tx] & 1 == 0 {
          var any = false
          for y in (ty * t)..<min(ch, ty * t + t) where !any {
            let row = unknown.row(0, y)
            for x in (tx * t)..<min(cw, tx * t + t) where row[x] > 0 {
              any = true
              break
            }
          }
          if any { flags[ty * tw + tx] |= 1 }
        }
      }
    }
  }

  /// Where this frame's and the previous frame's fills overlap, moves this frame's codes `alpha` of the way to the
  /// previous ones (a causal recursive average: the fill's frame-to-frame jitter under small changes of the
  /// region's shape drops); then records this frame's fill.
  private func blendWithPrevious(_ e: PlanarImage, _ unknown: PlanarImage, _ box: PixelBox, alpha: Float, width: Int, height: Int) {
    if let p = previous, p.width == width, p.height == height {
      let ya = max(box.y0, p.box.y0), yb = min(box.y1, p.box.y1), xa = max(box.x0, p.box.x0), xb = min(box.x1, p.box.x1)
      if ya <= yb && xa <= xb {
        Parallel.forRanges(yb - ya + 1, minChunk: 16) { start, end in
          for fy in (ya + start)..<(ya + end) {
            let er = e.row(0, fy - box.y0), ur = unknown.row(0, fy - box.y0)
            let pr = p.e.row(0, fy - p.box.y0), pu = p.unknown.row(0, fy - p.box.y0)
            for fx in xa...xb where ur[fx - box.x0] > 0 && pu[fx - p.box.x0] > 0 {
              let i = fx - box.x0
              er[i] += alpha * (pr[fx - p.box.x0] - er[i])
            }
          }
        }
      }
    }
    // The previous frame's views are read above; the same buffers now take this frame's crop.
    let ne = previousScratch.image(0, width: box.width, height: box.height)
    let nu = previousScratch.image(1, width: box.width, height: box.height)
    ne.assign(from: e)
    nu.assign(from: unknown)
    previous = (ne, nu, box, width, height)
  }

  /// Weight a known pixel's level gets in the fill when it is not trusted fully.
  static let darkBoundaryWeight: Float = 0.05

  /// The fill's mask with weak anchors: 1 where unknown; for a known pixel 1 − its weight, which rises
  /// linearly in Log-Gamma code from ``darkBoundaryWeight`` at `darkBoundaryRatio` × the clip level (and
  /// below) to 1 at the clip level.
  private func anchorWeights(_ e: PlanarImage, _ unknown: PlanarImage, into m: PlanarImage) {
    let clip = params.clipLinear
    let eHi = Float(LogGamma.encode(Double(clip))), eLo = Float(LogGamma.encode(Double(clip * params.darkBoundaryRatio)))
    let floor = Self.darkBoundaryWeight, scale = (1 - floor) / max(eHi - eLo, 1e-6)
    Parallel.forRanges(e.height, minChunk: 16) { start, end in
      for y in start..<end {
        let er = e.row(0, y), ur = unknown.row(0, y), mr = m.row(0, y)
        for x in 0..<e.width {
          let weight = floor + scale * min(max(er[x] - eLo, 0), eHi - eLo)
          mr[x] = ur[x] > 0 ? 1 : 1 - weight
        }
      }
    }
  }

  private func fillFullyClipped(_ image: PlanarImage, _ box: PixelBox, _ chroma: ChromaField, _ mask: PlanarImage?) {
    let cw = box.width, ch = box.height
    let clip = params.clipLinear
    let e = scratch.image(0, width: cw, height: ch)
    let unknown = scratch.image(1, width: cw, height: ch)
    typealias V = SIMD8<Float>
    let one = V(repeating: 1), zero = V(repeating: 0)
    // 1. The unknown mask (all three channels clipped) and the intensity in Log-Gamma over the crop, in
    //    tiles of `t`×`t`. Tiles within one tile of an unknown pixel get every known pixel encoded; farther
    //    tiles (all known) only feed the solver's coarser levels, so they get one code per 2×2 block, of the
    //    block's mean (the same level-1 value up to the curvature of the code over 2×2 pixels) — a quarter
    //    of the transcendental work where most of the crop is far from the clipped regions.
    let t = 16, tw = (cw + t - 1) / t, th = (ch + t - 1) / t
    var tiles = [UInt8](repeating: 0, count: tw * th)
    phase("fill.encode") {
      tiles.withUnsafeMutableBufferPointer { tp in
        let flags = tp.baseAddress!
        Parallel.forRanges(th, minChunk: 2) { start, end in
          for ty in start..<end {
            for y in (ty * t)..<min(ch, ty * t + t) {
              let fy = y + box.y0
              let r = image.row(0, fy) + box.x0, g = image.row(1, fy) + box.x0, b = image.row(2, fy) + box.x0
              let ur = unknown.row(0, y)
              var x = 0
              while x + 8 <= cw {
                let mn = SIMDMath.min(SIMDLoad.load8(r + x), SIMDMath.min(SIMDLoad.load8(g + x), SIMDLoad.load8(b + x)))
                let u = zero.replacing(with: one, where: mn .>= clip)
                SIMDLoad.store8(u, ur + x)
                if LaneReduce.max(u) > 0 { flags[ty * tw + x / t] = 1 }
                x += 8
              }
              while x < cw {
                let all = r[x] >= clip && g[x] >= clip && b[x] >= clip
                ur[x] = all ? 1 : 0
                if all { flags[ty * tw + x / t] = 1 }
                x += 1
              }
            }
          }
        }
        if params.holeRadiusPixels > 0 { closeHoles(unknown, flags: flags, tile: t, tilesWide: tw, tilesHigh: th) }
        // Near tiles (bit 1): an unknown pixel within the 3×3 tiles around, or a partial tile at the edge.
        for ty in 0..<th {
          for tx in 0..<tw {
            var near = (tx + 1) * t > cw || (ty + 1) * t > ch
            for dy in -1...1 where !near && ty + dy >= 0 && ty + dy < th {
              for dx in -1...1 where tx + dx >= 0 && tx + dx < tw && flags[(ty + dy) * tw + tx + dx] & 1 != 0 {
                near = true
              }
            }
            if near { flags[ty * tw + tx] |= 2 }
          }
        }
        Parallel.forRanges(th, minChunk: 2) { start, end in
          for ty in start..<end {
            var y = ty * t
            while y < min(ch, ty * t + t) {
              let fy = y + box.y0
              let r = image.row(0, fy) + box.x0, g = image.row(1, fy) + box.x0, b = image.row(2, fy) + box.x0
              let er = e.row(0, y)
              for tx in 0..<tw {
                let xa = tx * t, xb = min(cw, xa + t)
                if flags[ty * tw + tx] & 2 == 0 {
                  // Far tile: rows y and y + 1, 2×2 block means (full tile, so 16 columns and an even row).
                  let r1 = image.row(0, fy + 1) + box.x0, g1 = image.row(1, fy + 1) + box.x0
                  let b1 = image.row(2, fy + 1) + box.x0
                  let en = e.row(0, y + 1)
                  var x = xa
                  while x < xb {
                    let s0 = (SIMDLoad.load8(r + x) + SIMDLoad.load8(g + x) + SIMDLoad.load8(b + x))
                      + (SIMDLoad.load8(r1 + x) + SIMDLoad.load8(g1 + x) + SIMDLoad.load8(b1 + x))
                    let s1 = (SIMDLoad.load8(r + x + 8) + SIMDLoad.load8(g + x + 8) + SIMDLoad.load8(b + x + 8))
                      + (SIMDLoad.load8(r1 + x + 8) + SIMDLoad.load8(g1 + x + 8) + SIMDLoad.load8(b1 + x + 8))
                    let sum =
                      SIMD8<Float>(s0[0], s0[2], s0[4], s0[6], s1[0], s1[2], s1[4], s1[6])
                      + SIMD8<Float>(s0[1], s0[3], s0[5], s0[7], s1[1], s1[3], s1[5], s1[7])
                    let c = LogGammaLanes.encode(sum * (1.0 / 12))
                    let lo = SIMD8<Float>(c[0], c[0], c[1], c[1], c[2], c[2], c[3], c[3])
                    let hi = SIMD8<Float>(c[4], c[4], c[5], c[5], c[6], c[6], c[7], c[7])
                    SIMDLoad.store8(lo, er + x); SIMDLoad.store8(hi, er + x + 8)
                    SIMDLoad.store8(lo, en + x); SIMDLoad.store8(hi, en + x + 8)
                    x += 16
                  }
                  continue
                }
                for yy in y..<min(ch, y + 2) {
                  let fyy = yy + box.y0
                  let rr = image.row(0, fyy) + box.x0, gg = image.row(1, fyy) + box.x0, bb = image.row(2, fyy) + box.x0
                  let ey = e.row(0, yy), uy = unknown.row(0, yy)
                  var x = xa
                  while x + 8 <= xb {
                    let u = SIMDLoad.load8(uy + x)
                    if LaneReduce.min(u) > 0 {
                      SIMDLoad.store8(zero, ey + x)
                    } else {
                      let mean = (SIMDLoad.load8(rr + x) + SIMDLoad.load8(gg + x) + SIMDLoad.load8(bb + x)) * (1.0 / 3)
                      SIMDLoad.store8(LogGammaLanes.encode(mean), ey + x)
                    }
                    x += 8
                  }
                  while x < xb {
                    ey[x] = uy[x] > 0 ? 0 : LogGammaLanes.encode((rr[x] + gg[x] + bb[x]) * (1.0 / 3))
                    x += 1
                  }
                }
              }
              y += 2
            }
          }
        }
      }
    }
    // 2. Multiscale guided fill.
    var solver = PoissonFill(
      iterations: params.jacobiSweepsPerLevel, coarsestSize: params.coarsestSizePixels,
      guidanceSize: params.guidedFillSizePixels,
      guidanceMaxSlope: params.guidanceMaxSlopePerHeightPercent > 0
        ? params.guidanceMaxSlopePerHeightPercent / (0.01 * Float(image.height)) : .infinity,
      scratch: scratch)
    if profiling { solver.timer = { label, body in self.phase(label, body) } }
    // Known pixels well below the clip level (a dark object's edge against a blown sky) hold the fill weakly:
    // they say little about what the sensor clipped beside them.
    var solverMask = unknown
    if params.darkBoundaryRatio > 0 {
      solverMask = scratch.image(5, width: cw, height: ch)
      phase("fill.anchors") { anchorWeights(e, unknown, into: solverMask) }
      solver.softInput = true
    }
    phase("fill.solve") { solver.solve(values: e, unknown: solverMask) }
    let blend = params.fillTemporalBlend
    if blend > 0 {
      phase("fill.temporal") { blendWithPrevious(e, unknown, box, alpha: blend, width: image.width, height: image.height) }
    } else {
      previous = nil
    }
    // 3. Back to linear RGB for the unknown pixels (never below the recorded mean, at most the peak),
    //    channels split by the chroma ratios.
    let carry = params.chromaCarry, peak = params.fillPeakLinear, ratio = params.maxChromaRatio
    let ePeak = LogGammaLanes.encode(peak)
    let kw = chroma.boxWidth, scratchCount = rowScratch(chroma, extra: 0)
    phase("fill.decode") {
      Parallel.forRanges(ch, minChunk: 8) { start, end in
        let buf = UnsafeMutablePointer<Float>.allocate(capacity: scratchCount)
        defer { buf.deallocate() }
        let k = buf, sampleScratch = buf + 3 * kw
        for y in start..<end {
          let fy = y + box.y0
          let er = e.row(0, y), ur = unknown.row(0, y)
          let r = image.row(0, fy) + box.x0, g = image.row(1, fy) + box.x0, b = image.row(2, fy) + box.x0
          let m = mask.map { $0.row(0, fy) + box.x0 }
          var sampled = false
          var x = 0
          while x < cw {
            let n = min(8, cw - x)
            var u = zero, ev = zero, v0 = zero, v1 = zero, v2 = zero, a = one
            if n == 8 {
              u = SIMDLoad.load8(ur + x)
            } else {
              for i in 0..<n { u[i] = ur[x + i] }
            }
            if LaneReduce.max(u) == 0 {
              x += 8
              continue
            }
            if !sampled {
              chroma.sampleRowLanes(fy, into: k, scratch: sampleScratch)
              sampled = true
            }
            let kx = x + box.x0 - chroma.originX
            var k0 = zero, k1 = zero, k2 = zero
            if n == 8 {
              ev = SIMDLoad.load8(er + x)
              v0 = SIMDLoad.load8(r + x); v1 = SIMDLoad.load8(g + x); v2 = SIMDLoad.load8(b + x)
              k0 = SIMDLoad.load8(k + kx); k1 = SIMDLoad.load8(k + kw + kx); k2 = SIMDLoad.load8(k + 2 * kw + kx)
              if let m { a = SIMDLoad.load8(m + x) }
            } else {
              for i in 0..<n {
                ev[i] = er[x + i]
                v0[i] = r[x + i]; v1[i] = g[x + i]; v2[i] = b[x + i]
                k0[i] = k[kx + i]; k1[i] = k[kw + kx + i]; k2[i] = k[2 * kw + kx + i]
                if let m { a[i] = m[x + i] }
              }
            }
            let lin = SIMDMath.max(
              LogGammaLanes.decode(SIMDMath.min(ev, V(repeating: ePeak))), (v0 + v1 + v2) * (1.0 / 3))
            // Per-pixel chroma factors f_c = carry·3·k_c + (1 − carry) (mean 1); their spread around 1 is scaled
            // down so the largest is at most maxChromaRatio (hue kept, saturation bounded).
            let f0 = (carry * 3) * k0 + (1 - carry), f1 = (carry * 3) * k1 + (1 - carry)
            let f2 = (carry * 3) * k2 + (1 - carry)
            let topF = SIMDMath.max(f0, SIMDMath.max(f1, f2))
            let s = ((ratio - 1) / (topF - 1)).replacing(with: one, where: topF .<= ratio)
            let isUnknown = u .> 0
            let pk = V(repeating: peak)
            let e0 = SIMDMath.max(SIMDMath.min((1 + (f0 - 1) * s) * lin, pk), v0)
            let e1 = SIMDMath.max(SIMDMath.min((1 + (f1 - 1) * s) * lin, pk), v1)
            let e2 = SIMDMath.max(SIMDMath.min((1 + (f2 - 1) * s) * lin, pk), v2)
            let o0 = v0.replacing(with: v0 + a * (e0 - v0), where: isUnknown)
            let o1 = v1.replacing(with: v1 + a * (e1 - v1), where: isUnknown)
            let o2 = v2.replacing(with: v2 + a * (e2 - v2), where: isUnknown)
            if n == 8 {
              SIMDLoad.store8(o0, r + x); SIMDLoad.store8(o1, g + x); SIMDLoad.store8(o2, b + x)
            } else {
              for i in 0..<n { r[x + i] = o0[i]; g[x + i] = o1[i]; b[x + i] = o2[i] }
            }
            x += 8
          }
        }
      }
    }
  }
}
