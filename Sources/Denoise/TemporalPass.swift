import Imaging

/// One neighbour's part of ``MotionDenoiser``'s temporal average in a single pass over the frame: align the
/// neighbour's rows, take their difference from the centre, its 3×3 mean, the weight decision, and the sums.
///
/// The plane-by-plane chain (`MotionDenoiser.align`, `BoxBlur` radius 1, ``TemporalWeight/accumulate``)
/// writes and rereads four 3-channel 1080p planes per neighbour; here each row lives in a small ring while
/// three output rows need it. The 3×3 mean is computed exactly as `BoxBlur` does (the same horizontal sums,
/// and its vertical running sums over the same row chunks, which `Parallel.forRanges(h, minChunk: 8)` splits
/// the same way for the same frame height and context), so the result is bit-identical to the chain, which
/// stays as the reference in the tests.
enum TemporalPass {
  /// Rows held: a row enters at `y + 2` and leaves after `y − 1`.
  static let ringRows = 4

  /// Adds `neighbour`, moved by `motion`, into `sums` as ``TemporalWeight/accumulate`` does.
  static func run(
    centre: PlanarImage, neighbour: PlanarImage, motion: BlockMotion, decision: TemporalWeight,
    into sums: PlanarImage, startFromCentre: Bool, normalise: Bool
  ) {
    let w = centre.width, h = centre.height, n = centre.planeSize
    let cp = centre.data, tp = sums.data
    let norm: Float = 1 / 3
    // The chunks of BoxBlur's vertical pass (its running sums restart at each chunk's first row).
    Parallel.forRanges(h, minChunk: 8) { start, end in
      // Separate buffers under 128 KB each, so they come from the heap rather than fresh mapped pages.
      let aligned = UnsafeMutablePointer<Float>.allocate(capacity: ringRows * 3 * w)
      let horizontal = UnsafeMutablePointer<Float>.allocate(capacity: ringRows * 3 * w)
      let acc = UnsafeMutablePointer<Float>.allocate(capacity: 3 * w)
      let mean = UnsafeMutablePointer<Float>.allocate(capacity: 3 * w)
      let pad = UnsafeMutablePointer<Float>.allocate(capacity: w + 2 + 8)
      defer {
        aligned.deallocate()
        horizontal.deallocate()
        acc.deallocate()
        mean.deallocate()
        pad.deallocate()
      }
      var tags = [Int](repeating: -1, count: ringRows)
      /// The ring slot holding frame row `k` (computed on first use).
      func slot(_ k: Int) -> Int {
        let s = k & (ringRows - 1)
        if tags[s] == k { return s }
        tags[s] = k
        let a = aligned + s * 3 * w, hz = horizontal + s * 3 * w
        alignRow(k, of: neighbour, by: motion, into: a, stride: w)
        for c in 0..<3 {
          // centre − aligned, edge-padded by one, then the 3-tap mean as BoxBlur.horizontal computes it.
          let crow = cp + c * n + k * w, arow = a + c * w, d = pad + 1
          var x = 0
          while x + 8 <= w {
            SIMDLoad.store8(SIMDLoad.load8(crow + x) - SIMDLoad.load8(arow + x), d + x)
            x += 8
          }
          while x < w {
            d[x] = crow[x] - arow[x]
            x += 1
          }
          pad[0] = d[0]
          d[w] = d[w - 1]
          let out = hz + c * w
          x = 0
          while x + 8 <= w {
            let s = (SIMDLoad.load8(pad + x) + SIMDLoad.load8(pad + x + 1)) + SIMDLoad.load8(pad + x + 2)
            SIMDLoad.store8(s * norm, out + x)
            x += 8
          }
          while x < w {
            var s: Float = 0
            for k in 0...2 { s += pad[x + k] }
            out[x] = s * norm
            x += 1
          }
        }
        return s
      }
      func addRow(_ k: Int, _ sign: Float) {
        let hz = horizontal + slot(k) * 3 * w
        for c in 0..<3 {
          // acc += sign · row, as BoxBlur's vertical pass.
          let a = acc + c * w, r = hz + c * w
          var x = 0
          while x + 8 <= w {
            SIMDLoad.store8(SIMDLoad.load8(a + x) + sign * SIMDLoad.load8(r + x), a + x)
            x += 8
          }
          while x < w {
            a[x] += sign * r[x]
            x += 1
          }
        }
      }
      acc.initialize(repeating: 0, count: 3 * w)
      for k in (start - 1)...(start + 1) { addRow(min(max(k, 0), h - 1), 1) }
      for y in start..<end {
        for c in 0..<3 {
          let a = acc + c * w, m = mean + c * w
          var x = 0
          while x + 8 <= w {
            SIMDLoad.store8(SIMDLoad.load8(a + x) * norm, m + x)
            x += 8
          }
          while x < w {
            m[x] = a[x] * norm
            x += 1
          }
        }
        let p = TemporalWeight.Planes(
          cp: cp + y * w, ap: aligned + slot(y) * 3 * w, mp: mean, tp: tp + y * w, sn: n, sa: w, sm: w)
        decision.accumulate(row: p, width: w, startFromCentre: startFromCentre, normalise: normalise)
        if y + 1 < end {
          addRow(min(y + 2, h - 1), 1)
          addRow(max(y - 1, 0), -1)
        }
      }
    }
  }

  /// Row `y` of `image` moved onto the centre's grid (as `MotionDenoiser.align`), its three channels `stride`
  /// apart from `out`.
  @inline(__always)
  static func alignRow(_ y: Int, of image: PlanarImage, by motion: BlockMotion, into out: UnsafeMutablePointer<Float>, stride: Int) {
    let w = image.width, h = image.height, n = image.planeSize, b = BlockMotion.blockSizePixels, src = image.data
    let rowBase = min(y / b, motion.blocksY - 1) * motion.blocksX
    for bx in 0..<motion.blocksX {
      let v = motion.vectors[rowBase + bx]
      let x0 = bx * b, x1 = min(x0 + b, w), dx = Int(v.x)
      let ys = min(max(y + Int(v.y), 0), h - 1)
      if x0 + dx >= 0 && x1 + dx <= w {
        for c in 0..<3 {
          let d = out + c * stride, s = src + c * n + ys * w + dx
          var x = x0
          while x + 8 <= x1 {
            SIMDLoad.store8(SIMDLoad.load8(s + x), d + x)
            x += 8
          }
          while x < x1 {
            d[x] = s[x]
            x += 1
          }
        }
      } else {
        for x in x0..<x1 {
          let j = ys * w + min(max(x + dx, 0), w - 1)
          for c in 0..<3 { out[c * stride + x] = src[c * n + j] }
        }
      }
    }
  }
}
