import Execution

#if canImport(Glibc)
  import Glibc
#endif

/// Winograd F(4×4, 3×3) convolution for 3×3, stride-1, dilation-1, groups-1 layers (any padding).
///
/// Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A per 4×4 output tile (6×6 input tile, interpolation points 0, ±1, ±2, ∞).
/// The filter transform U [36, Cout, Cin] is computed once (in Double) and cached on the layer
/// (`WinogradCache`). The image is cut into blocks of whole tile rows (≥ `NNKernelChoices.winogradTiles`
/// tiles), split over the current context's `forChunks` chunks; each thread, in its own pooled scratch, runs the input
/// transform V [36, Cin, T] (SIMD8 over tiles), 36 single-threaded `sgemm`s M_e = U_e·V_e
/// [Cout × Cin]·[Cin × T], and the output transform + bias (SIMD8 over tiles) — or, for a ConvLSTM,
/// the fused state update. Partitions depend only on shapes and the thread count, so results are
/// bitwise reproducible. Accuracy: ≤ 7e-6·max(1, max|ref|) observed for up to 64 input channels
/// (tests assert 2e-5).
enum Winograd {
  /// Fused ConvLSTM state update instead of writing the gate conv output: c [Ch, H, W] is updated in
  /// place and h [Ch, H, W] written (h must not alias the conv input).
  struct LSTMEpilogue {
    var cell: UnsafeMutablePointer<Float>
    var hidden: UnsafeMutablePointer<Float>
  }

  typealias V8 = SIMD8<Float>

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
  ///
  /// With `tail`, input channels `from..<cin` are read from `tail.x` instead (concat without a copy).
  ///
  /// Work items are blocks of whole tile rows (≥ `minTiles` tiles); each worker of the current context
  /// runs input transform, 36 single-threaded `sgemm`s (`parallel: false`) and output transform on its
  /// own blocks, in its own scratch: the one place NN calls `sgemm` inside a parallel loop.
  static func run(
    x: UnsafePointer<Float>, cin: Int, h: Int, w: Int, padH: Int, padW: Int,
    u: UnsafePointer<Float>, cout: Int, bias: UnsafePointer<Float>?,
    y: UnsafeMutablePointer<Float>, oh: Int, ow: Int, minTiles: Int, pool: TensorPool, lstm: LSTMEpilogue? = nil,
    tail: (from: Int, x: UnsafePointer<Float>)? = nil
  ) {
    let tilesX = (ow + 3) / 4, tilesY = (oh + 3) / 4
    let rowsPerItem = max(1, min(tilesY, (minTiles + tilesX - 1) / tilesX))
    let items = (tilesY + rowsPerItem - 1) / rowsPerItem
    let maxT = rowsPerItem * tilesX
    // Width of the padded, vertically transformed rows: room for whole groups of 8 tiles.
    let rowLen = (tilesX + 7) / 8 * 32 + 8
    let context = ExecutionContext.current
    let chunks = min(context.workers, items)
    let per = (items + chunks - 1) / chunks
    let gateLen = lstm == nil ? 0 : 16 * ow + 16
    let perThread = 36 * (cin + cout) * maxT + 6 * rowLen + 512 + gateLen + w + 8
    pool.withScratch(chunks * perThread) { scratch in
      context.forChunks(items) { s, e in
        let vbuf = scratch + (s / per) * perThread
        let mbuf = vbuf + 36 * cin * maxT
        let rows = mbuf + 36 * cout * maxT
        let zeroRow = rows + 6 * rowLen + 512 + gateLen  // stands in for input rows outside the image
        zeroRow.update(repeating: 0, count: w)
        for item in s..<e {
          let ty0 = item * rowsPerItem, ty1 = min(tilesY, ty0 + rowsPerItem)
          let nty = ty1 - ty0, t = nty * tilesX
          for c in 0..<cin {
            let plane = tail.map { c >= $0.from ? $0.x + (c - $0.from) * h * w : x + c * h * w } ?? x + c * h * w
            for ty in ty0..<ty1 {
              inputTransform(
                x: plane, zero: zeroRow, h: h, w: w, padH: padH, padW: padW, ty: ty, tilesX: tilesX, rows: rows,
                rowLen: rowLen, v: vbuf + c * t + (ty - ty0) * tilesX, eStride: cin * t)
            }
          }
          for e in 0..<36 {
            Gemm.sgemm(
              m: cout, n: t, k: cin, a: u + e * cout * cin, lda: cin, b: vbuf + e * cin * t, ldb: t,
              c: mbuf + e * cout * t, ldc: t, parallel: false)
          }
          if let lstm {
            // Gates i, f, o, g of hidden channel ch are conv channels ch + k·Ch; update c and h per tile row.
            let gates = rows + 6 * rowLen + 512
            let ch = cout / 4
            for c in 0..<ch {
              for ty in ty0..<ty1 {
                let rowsHere = min(4, oh - ty * 4)
                for k in 0..<4 {
                  let co = c + k * ch
                  outputTransform(
                    m: mbuf + co * t + (ty - ty0) * tilesX, eStride: cout * t, tilesX: tilesX,
                    bias: bias?[co] ?? 0, tmp: rows, rowLen: rowLen, y: gates + k * 4 * ow, rowsHere: rowsHere, ow: ow)
                }
                let off = c * oh * ow + ty * 4 * ow
                ConvLSTMCell.update(
                  count: rowsHere * ow, i: gates, f: gates + 4 * ow, o: gates + 8 * ow, g: gates + 12 * ow,
                  c: lstm.cell + off, h: lstm.hidden + off)
              }
            }
          } else {
            for co in 0..<cout {
              for ty in ty0..<ty1 {
                outputTransform(
                  m: mbuf + co * t + (ty - ty0) * tilesX, eStride: cout * t, tilesX: tilesX, bias: bias?[co] ?? 0,
                  tmp: rows, rowLen: rowLen, y: y + co * oh * ow + ty * 4 * ow, rowsHere: min(4, oh - ty * 4), ow: ow)
              }
            }
          }
        }
      }
    }
  }

  /// Transforms one tile row `ty` of one channel: writes V[e, tile] at v + e·eStride + tx.
  @inline(__always)
  static func inputTransform(
    x: UnsafePointer<Float>, zero: UnsafePointer<Float>, h: Int, w: Int, padH: Int, padW: Int, ty: Int,
    tilesX: Int, rows: UnsafeMutablePointer<Float>, rowLen: Int, v: UnsafeMutablePointer<Float>, eStride: Int
  ) {
    // Vertical pass: r_i[xx] = (Bᵀ d)_i over input rows y0..y0+5, column xx ↔ input x = xx − padW.
    let y0 = ty * 4 - padH
    @inline(__always) func rowPtr(_ y: Int) -> UnsafePointer<Float> { (y >= 0 && y < h) ? x + y * w : zero }
    let d0 = rowPtr(y0), d1 = rowPtr(y0 + 1), d2 = rowPtr(y0 + 2)
    let d3 = rowPtr(y0 + 3), d4 = rowPtr(y0 + 4), d5 = rowPtr(y0 + 5)
    let r0 = rows, r1 = rows + rowLen, r2 = rows + 2 * rowLen
    let r3 = rows + 3 * rowLen, r4 = rows + 4 * rowLen, r5 = rows + 5 * rowLen
    // Zero margins (left pad and everything right of the image).
    let lo = padW, hi = padW + w
    for r in 0..<6 {
      let p = rows + r * rowLen
      if lo > 0 { p.update(repeating: 0, count: min(lo, rowLen)) }
      if hi < rowLen { (p + hi).update(repeating: 0, count: rowLen - hi) }
    }
    @inline(__always) func ld(_ p: UnsafePointer<Float>, _ i: Int) -> V8 {
      UnsafeRawPointer(p + i).loadUnaligned(as: V8.self)
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
    @inline(__always) func sc(_ p: UnsafePointer<Float>, _ i: Int) -> Float { p[i] }
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
        // Stride-4 gathers from five contiguous loads (LLVM turns these into shuffles).
        let A = ld(p, 0), B = ld(p, 8), C = ld(p, 16), D = ld(p, 24), E = ld(p, 32)
        @inline(__always) func g(_ j: Int) -> V8 {
          V8(A[j], A[j + 4], B[j], B[j + 4], C[j], C[j + 4], D[j], D[j + 4])
        }
        let a0 = g(0), a1 = g(1), a2 = g(2), a3 = g(3)
        let a4 = V8(A[4], B[0], B[4], C[0], C[4], D[0], D[4], E[0])
        let a5 = V8(A[5], B[1], B[5], C[1], C[5], D[1], D[5], E[1])
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


  /// Output transform of one tile row of one output channel: M[e, tile] at m + e·eStride + tx → `rowsHere` rows at y.
  ///
  /// Always loads 8 tiles (lanes past the tile row read neighbouring, in-bounds scratch and are
  /// discarded). `tmp` holds 4 rows of `rowLen` floats plus 320 floats of intermediates.
  @inline(__always)
  static func outputTransform(
    m: UnsafePointer<Float>, eStride: Int, tilesX: Int, bias: Float, tmp: UnsafeMutablePointer<Float>,
    rowLen: Int, y: UnsafeMutablePointer<Float>, rowsHere: Int, ow: Int
  ) {
    @inline(__always) func ld(_ p: UnsafePointer<Float>) -> V8 { UnsafeRawPointer(p).loadUnaligned(as: V8.self) }
    @inline(__always) func st(_ v: V8, _ p: UnsafeMutablePointer<Float>) {
      UnsafeMutableRawPointer(p).storeBytes(of: v, as: V8.self)
    }
    let w = tmp + 4 * rowLen  // 24 vectors: (Aᵀ-row pass) u[i][k], i < 6, k < 4
    let bv = V8(repeating: bias)
    var tx = 0
    while tx < tilesX {
      let base = m + tx
      for i in 0..<6 {
        let p = base + 6 * i * eStride
        let m0 = ld(p), m1 = ld(p + eStride), m2 = ld(p + 2 * eStride)
        let m3 = ld(p + 3 * eStride), m4 = ld(p + 4 * eStride), m5 = ld(p + 5 * eStride)
        let p12 = m1 + m2, d12 = m1 - m2, p34 = m3 + m4, d34 = m3 - m4
        st(m0 + p12 + p34, w + (i * 4) * 8)
        st(d12 + 2 * d34, w + (i * 4 + 1) * 8)
        st(p12 + 4 * p34, w + (i * 4 + 2) * 8)
        st(d12 + 8 * d34 + m5, w + (i * 4 + 3) * 8)
      }
      // Column pass gives o[r][k]; interleave so output column 4(tx + l) + k of row r gets o[r][k][l].
      // Whole groups of 8 tiles inside the image are stored straight into y; edge groups go via tmp.
      let direct = 4 * (tx + 8) <= ow
      var o = (V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8(), V8())
      withUnsafeMutableBytes(of: &o) { ob in
        let op = ob.baseAddress!.assumingMemoryBound(to: Float.self)
        for k in 0..<4 {
          let u0 = ld(w + k * 8), u1 = ld(w + (4 + k) * 8), u2 = ld(w + (8 + k) * 8)
          let u3 = ld(w + (12 + k) * 8), u4 = ld(w + (16 + k) * 8), u5 = ld(w + (20 + k) * 8)
          let p12 = u1 + u2, d12 = u1 - u2, p34 = u3 + u4, d34 = u3 - u4
          st(u0 + p12 + p34 + bv, op + k * 8)
          st(d12 + 2 * d34 + bv, op + (4 + k) * 8)
          st(p12 + 4 * p34 + bv, op + (8 + k) * 8)
          st(d12 + 8 * d34 + u5 + bv, op + (12 + k) * 8)
        }
        for r in 0..<4 {
          let o0 = ld(op + (4 * r) * 8), o1 = ld(op + (4 * r + 1) * 8)
          let o2 = ld(op + (4 * r + 2) * 8), o3 = ld(op + (4 * r + 3) * 8)
          let w0 = V8(o0[0], o1[0], o2[0], o3[0], o0[1], o1[1], o2[1], o3[1])
          let w1 = V8(o0[2], o1[2], o2[2], o3[2], o0[3], o1[3], o2[3], o3[3])
          let w2 = V8(o0[4], o1[4], o2[4], o3[4], o0[5], o1[5], o2[5], o3[5])
          let w3 = V8(o0[6], o1[6], o2[6], o3[6], o0[7], o1[7], o2[7], o3[7])
          let q = direct && r < rowsHere ? y + r * ow + 4 * tx : tmp + r * rowLen + 4 * tx
          st(w0, q)
          st(w1, q + 8)
          st(w2, q + 16)
          st(w3, q + 24)
        }
      }
      tx += 8
    }
    // Copy the columns that went through tmp (edge groups); rows past the image are dropped.
    let directCols = (ow / 32) * 32
    if directCols < ow {
      for r in 0..<rowsHere {
        (y + r * ow + directCols).update(from: tmp + r * rowLen + directCols, count: ow - directCols)
      }
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
