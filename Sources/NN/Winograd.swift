#if canImport(Glibc)
  import Glibc
#endif

/// Winograd F(4×4, 3×3) convolution for 3×3, stride-1, dilation-1, groups-1 layers (any padding).
///
/// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A per 4×4 output tile (6×6 input tile, interpolation points 0, ±1, ±2, ∞).
/// The filter transform U [36, Cout, Cin] is computed once (in Double) and cached on the layer. The
/// image is processed in bands of tile rows: input transform V [36, Cin, T] (parallel over channel ×
/// tile row, SIMD8 over tiles), 36 `sgemm`s M_e = U_e·V_e, output transform + bias (parallel,
/// SIMD8 over tiles). NNThreading loops and sgemm alternate, never nest; partitions depend only on
/// shapes and the thread count, so results are bitwise reproducible.
public enum Winograd {
  nonisolated(unsafe) public static var phase: [Double] = [0, 0, 0]
  @inline(never) static func now() -> Double { var ts = timespec(); clock_gettime(CLOCK_MONOTONIC, &ts); return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9 }
  typealias V8 = SIMD8<Float>
  /// Output tile edge.
  static let m = 4
  /// Input tile edge (m + r − 1).
  static let a = 6

  /// Whether `conv` has a shape this kernel handles.
  static func applies(_ conv: Conv2d) -> Bool {
    let g = conv.geometry
    return conv.groups == 1 && g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1
      && g.dilationH == 1 && g.dilationW == 1
  }

  /// U [36, Cout, Cin] = G g Gᵀ for every (co, ci), element e = 6·i + j; Double arithmetic.
  static func transformFilter(_ w: UnsafePointer<Float>, cout: Int, cin: Int) -> Tensor {
    let u = Tensor(zeros: Shape(1, 36, cout, cin))
    let gm: [[Double]] = [
      [1.0 / 4, 0, 0], [-1.0 / 6, -1.0 / 6, -1.0 / 6], [-1.0 / 6, 1.0 / 6, -1.0 / 6],
      [1.0 / 24, 1.0 / 12, 1.0 / 6], [1.0 / 24, -1.0 / 12, 1.0 / 6], [0, 0, 1],
    ]
    let ud = u.data
    for co in 0..<cout {
      for ci in 0..<cin {
        let g = w + (co * cin + ci) * 9
        // t = G g  (6×3)
        var t = [Double](repeating: 0, count: 18)
        for i in 0..<6 {
          for c in 0..<3 {
            var s = 0.0
            for k in 0..<3 { s += gm[i][k] * Double(g[k * 3 + c]) }
            t[i * 3 + c] = s
          }
        }
        for i in 0..<6 {
          for j in 0..<6 {
            var s = 0.0
            for k in 0..<3 { s += t[i * 3 + k] * gm[j][k] }
            ud[((i * 6 + j) * cout + co) * cin + ci] = Float(s)
          }
        }
      }
    }
    return u
  }

  /// Convolves one image `x` [cin, h, w] into `y` [cout, oh, ow] (bias added when given).
  static func run(
    x: UnsafePointer<Float>, cin: Int, h: Int, w: Int, padH: Int, padW: Int,
    u: UnsafePointer<Float>, cout: Int, bias: UnsafePointer<Float>?,
    y: UnsafeMutablePointer<Float>, oh: Int, ow: Int, bandBytes: Int, pool: TensorPool
  ) {
    let tilesX = (ow + 3) / 4, tilesY = (oh + 3) / 4
    let perRow = 36 * (cin + cout) * tilesX * 4
    let bandRows = max(1, min(tilesY, bandBytes / max(1, perRow)))
    let maxT = bandRows * tilesX
    // Width of the padded, vertically transformed rows: room for whole groups of 8 tiles.
    let groups8 = (tilesX + 7) / 8
    let rowLen = groups8 * 32 + 8
    pool.withScratch(36 * cin * maxT) { vbuf in
      pool.withScratch(36 * cout * maxT) { mbuf in
        pool.withScratch(NNThreading.threads * max(6 * rowLen, 4 * rowLen)) { scratch in
          var ty0 = 0
          while ty0 < tilesY {
            let ty1 = min(tilesY, ty0 + bandRows)
            let t = (ty1 - ty0) * tilesX
            let nty = ty1 - ty0
            let chunkItems = cin * nty
            let chunks = min(NNThreading.threads, max(1, chunkItems))
            let per = (chunkItems + chunks - 1) / chunks
            var t0 = now()
            NNThreading.forRanges(chunkItems) { s, e in
              let rows = scratch + (s / per) * 6 * rowLen
              for item in s..<e {
                let c = item / nty, ty = ty0 + item % nty
                inputTransform(
                  x: x + c * h * w, h: h, w: w, padH: padH, padW: padW, ty: ty, tilesX: tilesX, rows: rows,
                  rowLen: rowLen, v: vbuf + c * t + (ty - ty0) * tilesX, eStride: cin * t)
              }
            }
            phase[0] += now() - t0; t0 = now()
            for e in 0..<36 {
              Gemm.sgemm(
                m: cout, n: t, k: cin, a: u + e * cout * cin, lda: cin, b: vbuf + e * cin * t, ldb: t,
                c: mbuf + e * cout * t, ldc: t)
            }
            phase[1] += now() - t0; t0 = now()
            let outItems = cout * nty
            let oChunks = min(NNThreading.threads, max(1, outItems))
            let oPer = (outItems + oChunks - 1) / oChunks
            NNThreading.forRanges(outItems) { s, e in
              let tmp = scratch + (s / oPer) * 6 * rowLen
              for item in s..<e {
                let co = item / nty, ty = ty0 + item % nty
                outputTransform(
                  m: mbuf + co * t + (ty - ty0) * tilesX, eStride: cout * t, tilesX: tilesX, bias: bias?[co] ?? 0,
                  tmp: tmp, rowLen: rowLen, y: y + co * oh * ow, oy0: ty * 4, oh: oh, ow: ow)
              }
            }
            phase[2] += now() - t0
            ty0 = ty1
          }
        }
      }
    }
  }

  /// Transforms one tile row `ty` of one channel: writes V[e, tile] at v + e·eStride + tx.
  @inline(__always)
  static func inputTransform(
    x: UnsafePointer<Float>, h: Int, w: Int, padH: Int, padW: Int, ty: Int, tilesX: Int,
    rows: UnsafeMutablePointer<Float>, rowLen: Int, v: UnsafeMutablePointer<Float>, eStride: Int
  ) {
    // Vertical pass: r_i[xx] = (Bᵀ d)_i over input rows y0..y0+5, column xx ↔ input x = xx − padW.
    let y0 = ty * 4 - padH
    let d0 = rowPtr(x, y0, h, w), d1 = rowPtr(x, y0 + 1, h, w), d2 = rowPtr(x, y0 + 2, h, w)
    let d3 = rowPtr(x, y0 + 3, h, w), d4 = rowPtr(x, y0 + 4, h, w), d5 = rowPtr(x, y0 + 5, h, w)
    let r0 = rows, r1 = rows + rowLen, r2 = rows + 2 * rowLen
    let r3 = rows + 3 * rowLen, r4 = rows + 4 * rowLen, r5 = rows + 5 * rowLen
    // Zero margins (left pad and everything right of the image).
    let lo = padW, hi = padW + w
    for r in 0..<6 {
      let p = rows + r * rowLen
      if lo > 0 { p.update(repeating: 0, count: min(lo, rowLen)) }
      if hi < rowLen { (p + hi).update(repeating: 0, count: rowLen - hi) }
    }
    @inline(__always) func ld(_ p: UnsafePointer<Float>?, _ i: Int) -> V8 {
      guard let p else { return V8() }
      return UnsafeRawPointer(p + i).loadUnaligned(as: V8.self)
    }
    @inline(__always) func st(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }
    var i = 0
    while i + 8 <= w {
      let a0 = ld(d0, i), a1 = ld(d1, i), a2 = ld(d2, i), a3 = ld(d3, i), a4 = ld(d4, i), a5 = ld(d5, i)
      let o = lo + i
      st(4 * a0 - 5 * a2 + a4, r0 + o)
      st(a3 + a4 - 4 * (a1 + a2), r1 + o)
      st(a4 - a3 + 4 * (a1 - a2), r2 + o)
      st(a4 - a2 + 2 * (a3 - a1), r3 + o)
      st(a4 - a2 - 2 * (a3 - a1), r4 + o)
      st(4 * a1 - 5 * a3 + a5, r5 + o)
      i += 8
    }
    @inline(__always) func sc(_ p: UnsafePointer<Float>?, _ i: Int) -> Float { p?[i] ?? 0 }
    while i < w {
      let a0 = sc(d0, i), a1 = sc(d1, i), a2 = sc(d2, i), a3 = sc(d3, i), a4 = sc(d4, i), a5 = sc(d5, i)
      let o = lo + i
      r0[o] = 4 * a0 - 5 * a2 + a4
      r1[o] = a3 + a4 - 4 * (a1 + a2)
      r2[o] = a4 - a3 + 4 * (a1 - a2)
      r3[o] = a4 - a2 + 2 * (a3 - a1)
      r4[o] = a4 - a2 - 2 * (a3 - a1)
      r5[o] = 4 * a1 - 5 * a3 + a5
      i += 1
    }
    // Horizontal pass, 8 tiles at a time: d_j[l] = r[4(tx + l) + j].
    var tx = 0
    while tx < tilesX {
      let n = min(8, tilesX - tx)
      for r in 0..<6 {
        let p = rows + r * rowLen + 4 * tx
        @inline(__always) func g(_ j: Int) -> V8 {
          V8(p[j], p[j + 4], p[j + 8], p[j + 12], p[j + 16], p[j + 20], p[j + 24], p[j + 28])
        }
        let a0 = g(0), a1 = g(1), a2 = g(2), a3 = g(3), a4 = g(4), a5 = g(5)
        let out = v + r * 6 * eStride + tx
        let o0 = 4 * a0 - 5 * a2 + a4
        let o1 = a3 + a4 - 4 * (a1 + a2)
        let o2 = a4 - a3 + 4 * (a1 - a2)
        let o3 = a4 - a2 + 2 * (a3 - a1)
        let o4 = a4 - a2 - 2 * (a3 - a1)
        let o5 = 4 * a1 - 5 * a3 + a5
        if n == 8 {
          st(o0, out)
          st(o1, out + eStride)
          st(o2, out + 2 * eStride)
          st(o3, out + 3 * eStride)
          st(o4, out + 4 * eStride)
          st(o5, out + 5 * eStride)
        } else {
          for l in 0..<n {
            out[l] = o0[l]
            out[eStride + l] = o1[l]
            out[2 * eStride + l] = o2[l]
            out[3 * eStride + l] = o3[l]
            out[4 * eStride + l] = o4[l]
            out[5 * eStride + l] = o5[l]
          }
        }
      }
      tx += 8
    }
  }

  @inline(__always)
  static func rowPtr(_ x: UnsafePointer<Float>, _ y: Int, _ h: Int, _ w: Int) -> UnsafePointer<Float>? {
    (y >= 0 && y < h) ? x + y * w : nil
  }

  /// Output transform of one tile row of one output channel: M[e, tile] at m + e·eStride + tx → y rows oy0..<oy0+4.
  @inline(__always)
  static func outputTransform(
    m: UnsafePointer<Float>, eStride: Int, tilesX: Int, bias: Float, tmp: UnsafeMutablePointer<Float>,
    rowLen: Int, y: UnsafeMutablePointer<Float>, oy0: Int, oh: Int, ow: Int
  ) {
    @inline(__always) func ld(_ e: Int, _ tx: Int) -> V8 {
      UnsafeRawPointer(m + e * eStride + tx).loadUnaligned(as: V8.self)
    }
    let bv = V8(repeating: bias)
    var tx = 0
    while tx < tilesX {
      let n = min(8, tilesX - tx)
      // Column pass: s[r][j] = (Aᵀ M)_{r, j}.
      var s0 = (V8(), V8(), V8(), V8(), V8(), V8())
      var s1 = s0, s2 = s0, s3 = s0
      @inline(__always) func col(_ j: Int) -> (V8, V8, V8, V8) {
        let m0: V8, m1: V8, m2: V8, m3: V8, m4: V8, m5: V8
        if n == 8 {
          m0 = ld(j, tx); m1 = ld(6 + j, tx); m2 = ld(12 + j, tx)
          m3 = ld(18 + j, tx); m4 = ld(24 + j, tx); m5 = ld(30 + j, tx)
        } else {
          var t = (V8(), V8(), V8(), V8(), V8(), V8())
          for l in 0..<n {
            t.0[l] = m[j * eStride + tx + l]; t.1[l] = m[(6 + j) * eStride + tx + l]
            t.2[l] = m[(12 + j) * eStride + tx + l]; t.3[l] = m[(18 + j) * eStride + tx + l]
            t.4[l] = m[(24 + j) * eStride + tx + l]; t.5[l] = m[(30 + j) * eStride + tx + l]
          }
          (m0, m1, m2, m3, m4, m5) = t
        }
        let p12 = m1 + m2, d12 = m1 - m2, p34 = m3 + m4, d34 = m3 - m4
        return (m0 + p12 + p34, d12 + 2 * d34, p12 + 4 * p34, d12 + 8 * d34 + m5)
      }
      (s0.0, s1.0, s2.0, s3.0) = col(0)
      (s0.1, s1.1, s2.1, s3.1) = col(1)
      (s0.2, s1.2, s2.2, s3.2) = col(2)
      (s0.3, s1.3, s2.3, s3.3) = col(3)
      (s0.4, s1.4, s2.4, s3.4) = col(4)
      (s0.5, s1.5, s2.5, s3.5) = col(5)
      // Row pass and interleave into tmp rows (4 rows × rowLen), column 4(tx + l) + k.
      @inline(__always) func row(_ s: (V8, V8, V8, V8, V8, V8), _ dst: UnsafeMutablePointer<Float>) {
        let p12 = s.1 + s.2, d12 = s.1 - s.2, p34 = s.3 + s.4, d34 = s.3 - s.4
        let o0 = s.0 + p12 + p34 + bv
        let o1 = d12 + 2 * d34 + bv
        let o2 = p12 + 4 * p34 + bv
        let o3 = d12 + 8 * d34 + s.5 + bv
        let q = dst + 4 * tx
        for l in 0..<8 {
          q[4 * l] = o0[l]
          q[4 * l + 1] = o1[l]
          q[4 * l + 2] = o2[l]
          q[4 * l + 3] = o3[l]
        }
      }
      row(s0, tmp)
      row(s1, tmp + rowLen)
      row(s2, tmp + 2 * rowLen)
      row(s3, tmp + 3 * rowLen)
      tx += 8
    }
    for r in 0..<min(4, oh - oy0) {
      (y + (oy0 + r) * ow).update(from: tmp + r * rowLen, count: ow)
    }
  }
}

/// The filter transform of one weight tensor, computed on first use and shared by copies of the layer.
final class WinogradCache: @unchecked Sendable {
  private var u: Tensor?
  private var source: (TensorStorage, Int)?
  private let lock: UnsafeMutablePointer<pthread_mutex_t>

  init() {
    lock = .allocate(capacity: 1)
    pthread_mutex_init(lock, nil)
  }

  deinit {
    pthread_mutex_destroy(lock)
    lock.deallocate()
  }

  /// U for `weight` [Cout, Cin, 3, 3]; recomputed when a different weight tensor is passed.
  func filter(for weight: Tensor, cout: Int, cin: Int) -> Tensor {
    pthread_mutex_lock(lock)
    defer { pthread_mutex_unlock(lock) }
    if let u, let source, source.0 === weight.storage, source.1 == weight.offset { return u }
    let t = Winograd.transformFilter(weight.data, cout: cout, cin: cin)
    u = t
    source = (weight.storage, weight.offset)
    return t
  }
}
