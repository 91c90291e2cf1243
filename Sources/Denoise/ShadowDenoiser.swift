import Imaging
import Parameters
import VectorMath

/// Temporal + edge-aware spatial denoising of under-exposed regions.
///
/// Per pixel p of the centre frame (only where the under mask m > 0; every other pixel is copied unchanged):
/// 1. temporal: T = Σ_j w_j·I_j / Σ_j w_j over the given window, w_centre = 1 and for a neighbour
///    w_j = clamp(1 − d/(3σ), 0, 1) with d = mean |I_j − I_centre| over channels and σ = `noiseSigmaLinear`
///    (motion and occlusions disagree by more than the noise and are rejected);
/// 2. spatial: a (2r+1)² cross-bilateral mean of T, weight clamp(1 − |ΔT̄|/(3σ_t), 0, 1) on the channel mean
///    with σ_t = σ/√(frames used), so edges survive; the window is clipped to the image;
/// 3. out = I + strength·m·(S − I).
///
/// Cost follows the mask: the mask is scanned once into per-row bitmaps of active blocks (≤ 64 blocks a row),
/// and only blocks where m > 0 are filtered, T being computed only where a filtered pixel reads it. Rows are
/// streamed through a (2r+1)-row ring of T per band, so T never exists as a full image. Bands split the
/// active work evenly over ``Parallel``. Layout: frames [3, H, W] linear, mask [1, H, W]. Holds small
/// scratch buffers; not thread-safe (one instance per stream).
public final class ShadowDenoiser {
  /// Validated parameters.
  public let params: ShadowParams
  /// Copies of the rows near band boundaries (in-place runs), reused across calls.
  private var snapshot: UnsafeMutablePointer<Float>?
  private var snapshotCapacity = 0
  /// One ring per band (see `rings(count:rows:stride:pad:)`), reused across calls.
  private var ringBuffers: [UnsafeMutablePointer<Float>] = []
  private var ringShape = (rows: 0, stride: 0)

  /// Creates a denoiser; throws ``ParameterError`` when `params` is out of range.
  public init(params: ShadowParams = ShadowParams()) throws {
    try params.validate()
    self.params = params
  }

  deinit {
    snapshot?.deallocate()
    for r in ringBuffers { r.deallocate() }
  }

  /// `count` rings of `rows` × 4 planes × `stride` floats: per ring row T (3 planes) and the scaled channel
  /// mean of T. Columns outside the image (`pad` each side) hold T = 0 and a scaled mean whose bilateral
  /// weight is exactly 0; they are set once, as fills only write inside the image.
  private func rings(count: Int, rows: Int, stride: Int, pad: Int) -> [UnsafeMutablePointer<Float>] {
    if ringShape != (rows, stride) {
      for r in ringBuffers { r.deallocate() }
      ringBuffers = []
      ringShape = (rows, stride)
    }
    while ringBuffers.count < count {
      let ring = UnsafeMutablePointer<Float>.allocate(capacity: rows * 4 * stride)
      for k in 0..<rows {
        (ring + k * 4 * stride).initialize(repeating: 0, count: 3 * stride)
        (ring + (k * 4 + 3) * stride).initialize(repeating: 1e30, count: stride)
      }
      ringBuffers.append(ring)
    }
    return ringBuffers
  }

  /// Denoises `window[center]` using the other frames of `window` as temporal neighbours.
  /// - Parameters:
  ///   - window: frames of one scene around the centre (any count ≥ 1; same size as the centre).
  ///   - center: index of the frame to denoise.
  ///   - underMask: [1, H, W] in 0...1; pixels where it is 0 are returned bit-identical.
  /// - Returns: a new image [3, H, W].
  public func denoise(window: [PlanarImage], center: Int, underMask: PlanarImage) -> PlanarImage {
    let out = PlanarImage(width: window[center].width, height: window[center].height, channels: 3)
    denoise(window: window, center: center, underMask: underMask, into: out)
    return out
  }

  /// Denoises `window[center]` into `out` ([3, H, W]); `out` may be `window[center]` itself (in place: the
  /// originals each pixel's neighbourhood reads are taken before they are overwritten), else every pixel
  /// outside the mask is copied from the centre frame.
  public func denoise(window: [PlanarImage], center: Int, underMask: PlanarImage, into out: PlanarImage) {
    let cur = window[center]
    precondition(underMask.width == cur.width && underMask.height == cur.height, "mask size")
    precondition(out.hasSameShape(as: cur) && cur.channels == 3, "output shape")
    let inPlace = out === cur
    let strength = params.strength
    if !params.enabled || strength == 0 {
      if !inPlace { Self.parallelCopy(cur, into: out) }
      return
    }
    let others = window.enumerated().filter { $0.offset != center && $0.element.hasSameShape(as: cur) }.map(\.element)
    if inPlace && others.contains(where: { $0 === cur }) {
      // The centre also serves as a neighbour: work from a copy so neighbours read originals.
      let original = cur.copy()
      var win = window
      for i in win.indices where win[i] === cur { win[i] = original }
      return denoise(window: win, center: center, underMask: underMask, into: out)
    }
    let w = cur.width, h = cur.height
    let r = params.spatialRadiusPixels
    let sigma = params.noiseSigmaLinear
    let sigmaT = sigma / Float(1 + others.count).squareRoot()

    // 1. Active blocks per row (bit k: some m > 0 in columns k·B ..< (k+1)·B), and the blocks whose T is read.
    let block = Swift.max(64, ((w + 63) / 64 + 7) / 8 * 8)
    let blocks = (w + block - 1) / block
    let active = UnsafeMutablePointer<UInt64>.allocate(capacity: h)
    let need = UnsafeMutablePointer<UInt64>.allocate(capacity: h)
    defer {
      active.deallocate()
      need.deallocate()
    }
    let mask = underMask.data
    Parallel.forRanges(h, minChunk: 32) { s, e in
      for y in s..<e { active[y] = Self.activeBlocks(mask + y * w, width: w, block: block, blocks: blocks) }
    }
    let all: UInt64 = blocks == 64 ? ~0 : (1 << UInt64(blocks)) - 1
    var total = 0, weight = 0
    for y in 0..<h {
      var n: UInt64 = 0
      for yy in Swift.max(y - r, 0)...Swift.min(y + r, h - 1) { n |= active[yy] }
      need[y] = r > 0 ? (n | (n << 1) | (n >> 1)) & all : n
      total += active[y].nonzeroBitCount
      weight += 4 * active[y].nonzeroBitCount + need[y].nonzeroBitCount + (inPlace ? 0 : 4)
    }
    if total == 0 {
      if !inPlace { Self.parallelCopy(cur, into: out) }
      return
    }

    // 2. Bands of about equal work.
    let bandCount = Swift.min(h, Parallel.workers == 1 ? 1 : 4 * Parallel.workers)
    var bounds = [0]
    var acc = 0, next = 1
    for y in 0..<h where next < bandCount {
      acc += 4 * active[y].nonzeroBitCount + need[y].nonzeroBitCount + (inPlace ? 0 : 4)
      if acc * bandCount >= next * weight && y + 1 < h && y + 1 > bounds.last! {
        bounds.append(y + 1)
        next += 1
      }
    }
    bounds.append(h)

    // In place, rows within r of a band boundary are read by two bands: snapshot their originals.
    let snapIndex = UnsafeMutablePointer<Int32>.allocate(capacity: h)
    defer { snapIndex.deallocate() }
    snapIndex.initialize(repeating: -1, count: h)
    var snapRows = 0
    if inPlace && r > 0 {
      for b in bounds.dropFirst().dropLast() {
        for yy in Swift.max(b - r, 0)..<Swift.min(b + r, h) where snapIndex[yy] < 0 && need[yy] != 0 {
          snapIndex[yy] = Int32(snapRows)
          snapRows += 1
        }
      }
      if snapRows * 3 * w > snapshotCapacity {
        snapshot?.deallocate()
        snapshotCapacity = snapRows * 3 * w
        snapshot = .allocate(capacity: snapshotCapacity)
      }
      for yy in 0..<h where snapIndex[yy] >= 0 {
        for c in 0..<3 { (snapshot! + (Int(snapIndex[yy]) * 3 + c) * w).update(from: cur.row(c, yy), count: w) }
      }
    }
    let snap = snapshot

    // 3. Per band: stream T rows through a ring, filter the active blocks of each row.
    let bandsPtr = bounds
    let ringRows = 2 * r + 1
    let pad = 16
    let stride = w + 2 * pad
    let ringsForBands = rings(count: bandsPtr.count - 1, rows: ringRows, stride: stride, pad: pad)
    Parallel.forRanges(bandsPtr.count - 1, minChunk: 1) { bs, be in
      // T and scaled-mean rows of the current output row's window, 4 pointers per row.
      let window = UnsafeMutablePointer<UnsafePointer<Float>>.allocate(capacity: 4 * ringRows)
      defer { window.deallocate() }
      var ring = ringsForBands[bs]
      @inline(__always) func ringRow(_ yy: Int, _ c: Int) -> UnsafeMutablePointer<Float> {
        ring + ((yy % ringRows) * 4 + c) * stride + pad
      }
      var o: [TemporalRow.Rows] = []
      o.reserveCapacity(others.count)
      @inline(__always) func source(_ img: PlanarImage, _ yy: Int) -> TemporalRow.Rows {
        if img === cur, snapIndex[yy] >= 0 {
          let p = snap! + Int(snapIndex[yy]) * 3 * w
          return (UnsafePointer(p), UnsafePointer(p + w), UnsafePointer(p + 2 * w))
        }
        return (UnsafePointer(img.row(0, yy)), UnsafePointer(img.row(1, yy)), UnsafePointer(img.row(2, yy)))
      }
      for band in bs..<be {
        let s = bandsPtr[band], e = bandsPtr[band + 1]
        ring = ringsForBands[band]
        var filled = Swift.max(s - r, 0)  // next row to fill
        for y in s..<e {
          if active[y] == 0 {
            if !inPlace { for c in 0..<3 { out.row(c, y).update(from: cur.row(c, y), count: w) } }
            continue
          }
          if !inPlace {
            // Columns outside the active blocks keep the original.
            Self.forRuns(~active[y] & all, block: block, width: w) { x0, x1 in
              for c in 0..<3 { (out.row(c, y) + x0).update(from: cur.row(c, y) + x0, count: x1 - x0) }
            }
          }
          // Rows y − r ... y + r must be in the ring.
          filled = Swift.max(filled, y - r)
          let last = Swift.min(y + r, h - 1)
          while filled <= last {
            let yy = filled
            let c = source(cur, yy)
            o.removeAll(keepingCapacity: true)
            for f in others { o.append(source(f, yy)) }
            Self.forRuns(need[yy], block: block, width: w) { x0, x1 in
              let t = (ringRow(yy, 0), ringRow(yy, 1), ringRow(yy, 2))
              TemporalRow.average(c, o, x0, x1, sigma, into: t)
              Self.scaledMean(t, x0, x1, scale: 1 / (3 * sigmaT), into: ringRow(yy, 3))
            }
            filled += 1
          }
          let y0 = Swift.max(y - r, 0), y1 = Swift.min(y + r, h - 1)
          for yy in y0...y1 {
            for c in 0..<4 { window[4 * (yy - y0) + c] = UnsafePointer(ringRow(yy, c)) }
          }
          let centre = UnsafePointer(ringRow(y, 3))
          let base = source(cur, y)
          let dst = (out.row(0, y), out.row(1, y), out.row(2, y))
          let rows = y1 - y0 + 1
          Self.forRuns(active[y], block: block, width: w) { x0, x1 in
            if r == 1 && rows == 3 {
              // The default 3×3 window with constant bounds, so the taps unroll.
              Self.filterSpan(
                x0, x1, width: w, mask: mask + y * w, window: window, rows: 3, centre: centre, radius: 1,
                strength: strength, copyUnmasked: !inPlace, base: base, into: dst)
            } else {
              Self.filterSpan(
                x0, x1, width: w, mask: mask + y * w, window: window, rows: rows, centre: centre, radius: r,
                strength: strength, copyUnmasked: !inPlace, base: base, into: dst)
            }
          }
        }
      }
    }
  }

  /// Bitmap of the blocks of one mask row holding a value > 0.
  @inline(__always)
  static func activeBlocks(_ m: UnsafePointer<Float>, width w: Int, block: Int, blocks: Int) -> UInt64 {
    var bits: UInt64 = 0
    for k in 0..<blocks {
      let x0 = k * block, x1 = Swift.min(x0 + block, w)
      var acc = SIMD8<Float>(repeating: 0)
      var x = x0
      while x + 8 <= x1 {
        acc = SIMDMath.max(acc, SIMDLoad.load8(m + x))
        x += 8
      }
      var mx = acc.max()
      while x < x1 { mx = Swift.max(mx, m[x]); x += 1 }
      if mx > 0 { bits |= 1 << UInt64(k) }
    }
    return bits
  }

  /// Calls `body(x0, x1)` for each run of consecutive set bits, in columns (clipped to the width).
  @inline(__always)
  static func forRuns(_ bits: UInt64, block: Int, width w: Int, _ body: (Int, Int) -> Void) {
    var b = bits
    while b != 0 {
      let start = b.trailingZeroBitCount
      let run = (~(b >> UInt64(start))).trailingZeroBitCount
      body(start * block, Swift.min((start + run) * block, w))
      b = run + start >= 64 ? 0 : b & ~(((1 << UInt64(run)) - 1) << UInt64(start))
    }
  }

  /// Bilateral mean of T around each pixel of x0..<x1 where m > 0, blended into the output:
  /// out = I + strength·min(m, 1)·(S − I); pixels with m ≤ 0 keep I bit-identical. `window[4k + c]` is
  /// T (c < 3) or its scaled channel mean (c = 3) of the k-th row of the (clipped) vertical window, readable at
  /// columns −r ..< w + 8 + r (sentinels outside the image); `centre` the scaled mean of the output row.
  @inline(__always)
  static func filterSpan(
    _ x0: Int, _ x1: Int, width w: Int, mask m: UnsafePointer<Float>, window: UnsafePointer<UnsafePointer<Float>>,
    rows: Int, centre ms: UnsafePointer<Float>, radius r: Int, strength: Float, copyUnmasked: Bool,
    base: TemporalRow.Rows, into dst: TemporalRow.OutRows
  ) {
    typealias V = SIMD8<Float>
    var x = x0
    while x < x1 {
      let n = Swift.min(8, w - x)
      var mv = V(repeating: 0)
      if n == 8 {
        mv = SIMDLoad.load8(m + x)
      } else {
        for i in 0..<n { mv[i] = m[x + i] }
      }
      let on = mv .> 0
      if !any(on) {
        if copyUnmasked {
          for i in 0..<n { dst.0[x + i] = base.0[x + i]; dst.1[x + i] = base.1[x + i]; dst.2[x + i] = base.2[x + i] }
        }
        x += 8
        continue
      }
      let cm = SIMDLoad.load8(ms + x)
      var a0 = V(repeating: 0), a1 = V(repeating: 0), a2 = V(repeating: 0), ws = V(repeating: 0)
      for k in 0..<rows {
        let p0 = window[4 * k] + x, p1 = window[4 * k + 1] + x, p2 = window[4 * k + 2] + x, p3 = window[4 * k + 3] + x
        for dx in -r...r {
          let v0 = SIMDLoad.load8(p0 + dx), v1 = SIMDLoad.load8(p1 + dx), v2 = SIMDLoad.load8(p2 + dx)
          let wt = SIMDMath.max(V(repeating: 0), 1 - SIMDMath.abs(SIMDLoad.load8(p3 + dx) - cm))
          a0 += wt * v0
          a1 += wt * v1
          a2 += wt * v2
          ws += wt
        }
      }
      let a = strength * SIMDMath.min(mv, V(repeating: 1))
      let i0: V, i1: V, i2: V
      if n == 8 {
        i0 = SIMDLoad.load8(base.0 + x)
        i1 = SIMDLoad.load8(base.1 + x)
        i2 = SIMDLoad.load8(base.2 + x)
      } else {
        var b0 = V(repeating: 0), b1 = V(repeating: 0), b2 = V(repeating: 0)
        for i in 0..<n { b0[i] = base.0[x + i]; b1[i] = base.1[x + i]; b2[i] = base.2[x + i] }
        i0 = b0; i1 = b1; i2 = b2
      }
      let iw = 1 / ws
      let o0 = i0.replacing(with: i0 + a * (a0 * iw - i0), where: on)
      let o1 = i1.replacing(with: i1 + a * (a1 * iw - i1), where: on)
      let o2 = i2.replacing(with: i2 + a * (a2 * iw - i2), where: on)
      if n == 8 {
        SIMDLoad.store8(o0, dst.0 + x)
        SIMDLoad.store8(o1, dst.1 + x)
        SIMDLoad.store8(o2, dst.2 + x)
      } else {
        for i in 0..<n { dst.0[x + i] = o0[i]; dst.1[x + i] = o1[i]; dst.2[x + i] = o2[i] }
      }
      x += 8
    }
  }

  /// s = ((T0 + T1) + T2)/3 · scale over x0..<x1.
  @inline(__always)
  static func scaledMean(_ t: TemporalRow.OutRows, _ x0: Int, _ x1: Int, scale: Float, into s: UnsafeMutablePointer<Float>) {
    let third: Float = 1.0 / 3
    var x = x0
    while x + 8 <= x1 {
      let v = ((SIMDLoad.load8(t.0 + x) + SIMDLoad.load8(t.1 + x)) + SIMDLoad.load8(t.2 + x)) * third
      SIMDLoad.store8(v * scale, s + x)
      x += 8
    }
    while x < x1 {
      s[x] = ((t.0[x] + t.1[x]) + t.2[x]) * third * scale
      x += 1
    }
  }

  /// Copies `src` into `dst` (same shape) with rows over ``Parallel``.
  static func parallelCopy(_ src: PlanarImage, into dst: PlanarImage) {
    let n = src.count
    Parallel.forRanges(n, minChunk: 1 << 18) { s, e in (dst.data + s).update(from: src.data + s, count: e - s) }
  }
}
