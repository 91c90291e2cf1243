import CShim
import Imaging

/// The per-row work of ``InputConverter``: decode codes, upsample chroma, matrix to R'G'B', linearise,
/// convert primaries. Rows are split over ``Parallel``; arithmetic runs on SIMD8 lanes.
struct InputKernel {
  typealias V = SIMD8<Float>
  let plan: InputPlan
  let width: Int
  let height: Int
  let planes: [UnsafeRawPointer?]
  let strides: [Int]

  init(plan: InputPlan, frame f: AVFrame) {
    self.plan = plan
    width = Int(f.width)
    height = Int(f.height)
    planes = [f.data.0, f.data.1, f.data.2, f.data.3].map { $0.map { UnsafeRawPointer($0) } }
    strides = [f.linesize.0, f.linesize.1, f.linesize.2, f.linesize.3].map { Int($0) }
  }

  /// Row `y` of the plane holding component `c`.
  @inline(__always) func row(_ c: ComponentLayout, _ y: Int) -> UnsafeRawPointer {
    planes[c.plane]! + y * strides[c.plane]
  }

  func run(linear: PlanarImage, signal: PlanarImage?) {
    let pw = (width + 7) & ~7
    let l2w = plan.layout.log2ChromaW
    let cw = (width + (1 << l2w) - 1) >> l2w
    let cpw = (cw + 8) & ~7
    plan.linearize.withUnsafeBufferPointer { lut in
      let lut = lut.baseAddress!
      Parallel.forRanges(height, minChunk: 8) { y0, y1 in
        let count = 3 * pw + 4 * cpw
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
          .bindMemory(to: Float.self, capacity: count)
        scratch.initialize(repeating: 0, count: count)
        defer { scratch.deallocate() }
        for y in y0..<y1 {
          let (a, b, c) = (scratch, scratch + pw, scratch + 2 * pw)
          let k = decodeRow(y, a, b, c, chroma: scratch + 3 * pw, chromaWidth: cw, chromaStride: cpw)
          writeRow(y, k, a, b, c, lut: lut, linear: linear, signal: signal)
        }
      }
    }
  }

  /// What ``decodeRow`` left in its three buffers.
  enum RowKind { case rgb, yuv, gray }

  // MARK: - Decode

  /// Decodes row `y` into (R', G', B'), (Y', Cb, Cr) at full width, or Y' alone.
  private func decodeRow(
    _ y: Int, _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>, _ c: UnsafeMutablePointer<Float>,
    chroma: UnsafeMutablePointer<Float>, chromaWidth cw: Int, chromaStride cpw: Int
  ) -> RowKind {
    let w = width
    let layout = plan.layout
    let comps = layout.components
    let (ls, lo) = (plan.lumaScale, plan.lumaOffset)
    switch layout.kind {
    case .gray:
      layout.decode(comps[0], row: row(comps[0], y), count: w, a: ls, b: lo, out: a)
      return .gray
    case .rgb:
      layout.decode(comps[0], row: row(comps[0], y), count: w, a: ls, b: lo, out: a)
      layout.decode(comps[1], row: row(comps[1], y), count: w, a: ls, b: lo, out: b)
      layout.decode(comps[2], row: row(comps[2], y), count: w, a: ls, b: lo, out: c)
      return .rgb
    case .yuv:
      break
    }
    let (cY, cB, cR) = (comps[0], comps[1], comps[2])
    let (cs, co) = (plan.chromaScale, plan.chromaOffset)
    let cbA = chroma, cbB = chroma + cpw, crA = chroma + 2 * cpw, crB = chroma + 3 * cpw
    layout.decode(cY, row: row(cY, y), count: w, a: ls, b: lo, out: a)

    // Vertical: 4:2:0 chroma sits between luma rows → 3/4 nearest + 1/4 next chroma row.
    let l2h = layout.log2ChromaH
    let ch = (height + (1 << l2h) - 1) >> l2h
    let cy = y >> l2h
    layout.decode(cB, row: row(cB, cy), count: cw, a: cs, b: co, out: cbA)
    layout.decode(cR, row: row(cR, cy), count: cw, a: cs, b: co, out: crA)
    if l2h == 1 {
      let other = (y & 1) == 0 ? max(cy - 1, 0) : min(cy + 1, ch - 1)
      layout.decode(cB, row: row(cB, other), count: cw, a: cs, b: co, out: cbB)
      layout.decode(cR, row: row(cR, other), count: cw, a: cs, b: co, out: crB)
      for x in stride(from: 0, to: cw, by: 8) {
        SIMDLUT.store8(0.75 * SIMDLUT.load8(cbA + x) + 0.25 * SIMDLUT.load8(cbB + x), cbA + x)
        SIMDLUT.store8(0.75 * SIMDLUT.load8(crA + x) + 0.25 * SIMDLUT.load8(crB + x), crA + x)
      }
    }
    // Horizontal: left-sited chroma (MPEG-2/H.264 default) → even pixels copy, odd ones average neighbours.
    switch layout.log2ChromaW {
    case 0:
      b.update(from: cbA, count: w)
      c.update(from: crA, count: w)
    case 1:
      cbA[cw] = cbA[cw - 1]  // edge: the last odd pixel repeats the last sample
      crA[cw] = crA[cw - 1]
      for i in 0..<(w / 2) {
        b[2 * i] = cbA[i]
        c[2 * i] = crA[i]
        b[2 * i + 1] = 0.5 * (cbA[i] + cbA[i + 1])
        c[2 * i + 1] = 0.5 * (crA[i] + crA[i + 1])
      }
      if w & 1 == 1 {
        b[w - 1] = cbA[cw - 1]
        c[w - 1] = crA[cw - 1]
      }
    default:
      let s = layout.log2ChromaW
      for x in 0..<w {
        b[x] = cbA[x >> s]
        c[x] = crA[x >> s]
      }
    }
    return .yuv
  }

  // MARK: - Signal and linear

  /// Matrix (Y'CbCr → R'G'B'), clip to 0...1, store the signal, linearise, convert primaries, store linear.
  private func writeRow(
    _ y: Int, _ kind: RowKind, _ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, lut: UnsafePointer<Float>, linear: PlanarImage, signal: PlanarImage?
  ) {
    let w = width
    let crR = plan.crR, cbG = plan.cbG, crG = plan.crG, cbB = plan.cbB
    let lr = linear.row(0, y), lg = linear.row(1, y), lb = linear.row(2, y)
    let sr = signal?.row(0, y), sg = signal?.row(1, y), sb = signal?.row(2, y)
    let m = plan.toBT709 ?? [1, 0, 0, 0, 1, 0, 0, 0, 1]
    let convert = plan.toBT709 != nil
    let (m0, m1, m2, m3, m4, m5, m6, m7, m8) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
    let zero = V()
    for x in stride(from: 0, to: w, by: 8) {
      let va = SIMDLUT.load8(a + x)
      var r: V, g: V, bl: V
      switch kind {
      case .gray:
        (r, g, bl) = (va, va, va)
      case .rgb:
        (r, g, bl) = (va, SIMDLUT.load8(b + x), SIMDLUT.load8(c + x))
      case .yuv:
        // ITU-R BT.601/709/2020: R' = Y' + 2(1−Kr)·Cr, B' = Y' + 2(1−Kb)·Cb, G' from the luma equation.
        let cb = SIMDLUT.load8(b + x), cr = SIMDLUT.load8(c + x)
        r = va + crR * cr
        g = va - cbG * cb - crG * cr
        bl = va + cbB * cb
      }
      r = SIMDLUT.clamp(r, 0, 1)
      g = SIMDLUT.clamp(g, 0, 1)
      bl = SIMDLUT.clamp(bl, 0, 1)
      if let sr, let sg, let sb {
        SIMDLUT.store(r, sr, x, w)
        SIMDLUT.store(g, sg, x, w)
        SIMDLUT.store(bl, sb, x, w)
      }
      // r, g, bl are clipped to 0...1 above (decoded codes are finite).
      var rl = SIMDLUT.uniformInRange(r, lut), gl = SIMDLUT.uniformInRange(g, lut)
      var bll = SIMDLUT.uniformInRange(bl, lut)
      if convert {
        // Input primaries → BT.709 in linear light; out-of-gamut values clip at 0.
        let (r0, g0, b0) = (rl, gl, bll)
        rl = SIMDLUT.max(m0 * r0 + m1 * g0 + m2 * b0, zero)
        gl = SIMDLUT.max(m3 * r0 + m4 * g0 + m5 * b0, zero)
        bll = SIMDLUT.max(m6 * r0 + m7 * g0 + m8 * b0, zero)
      }
      SIMDLUT.store(rl, lr, x, w)
      SIMDLUT.store(gl, lg, x, w)
      SIMDLUT.store(bll, lb, x, w)
    }
  }
}
