import CShim
import Imaging

/// The per-row work of ``InputConverter``: gather codes through LUTs, upsample chroma, matrix to R'G'B',
/// linearise, convert primaries. Rows are split over ``Parallel``.
struct InputKernel {
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
    let w = width
    let l2w = plan.layout.log2ChromaW
    let cw = (w + (1 << l2w) - 1) >> l2w
    Parallel.forRanges(height, minChunk: 8) { y0, y1 in
      let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 6 * w + 4 * cw + 16)
      defer { scratch.deallocate() }
      for y in y0..<y1 {
        let r = signal?.row(0, y) ?? scratch
        let g = signal?.row(1, y) ?? scratch + w
        let b = signal?.row(2, y) ?? scratch + 2 * w
        signalRow(y, r: r, g: g, b: b, scratch: scratch + 3 * w, chromaWidth: cw)
        linearRow(r: r, g: g, b: b, y: y, into: linear)
      }
    }
  }

  // MARK: - Signal

  /// Fills R'G'B' (clipped to 0...1) for row `y`.
  private func signalRow(
    _ y: Int, r: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, chromaWidth cw: Int
  ) {
    let w = width
    let layout = plan.layout
    let comps = layout.components
    plan.codeLUT[0].withUnsafeBufferPointer { l0 in
      switch layout.kind {
      case .gray:
        layout.gather(comps[0], row: row(comps[0], y), count: w, lut: l0.baseAddress!, out: r)
        for x in 0..<w { r[x] = min(max(r[x], 0), 1) }
        g.update(from: r, count: w)
        b.update(from: r, count: w)
      case .rgb:
        layout.gather(comps[0], row: row(comps[0], y), count: w, lut: l0.baseAddress!, out: r)
        layout.gather(comps[1], row: row(comps[1], y), count: w, lut: l0.baseAddress!, out: g)
        layout.gather(comps[2], row: row(comps[2], y), count: w, lut: l0.baseAddress!, out: b)
        for x in 0..<w {
          r[x] = min(max(r[x], 0), 1)
          g[x] = min(max(g[x], 0), 1)
          b[x] = min(max(b[x], 0), 1)
        }
      case .yuv:
        plan.codeLUT[1].withUnsafeBufferPointer { lc in
          yuvRow(y, r: r, g: g, b: b, scratch: scratch, cw: cw, lumaLUT: l0.baseAddress!, chromaLUT: lc.baseAddress!)
        }
      }
    }
  }

  private func yuvRow(
    _ y: Int, r: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, cw: Int, lumaLUT: UnsafePointer<Float>, chromaLUT: UnsafePointer<Float>
  ) {
    let w = width
    let layout = plan.layout
    let (cY, cB, cR) = (layout.components[0], layout.components[1], layout.components[2])
    let luma = r  // Y' lands in r first; the matrix loop reads it before overwriting
    let cbF = g, crF = b
    let cbA = scratch, cbB = scratch + cw, crA = scratch + 2 * cw, crB = scratch + 3 * cw
    layout.gather(cY, row: row(cY, y), count: w, lut: lumaLUT, out: luma)

    // Vertical: 4:2:0 chroma sits between luma rows → 3/4 nearest + 1/4 next chroma row.
    let l2h = layout.log2ChromaH
    let ch = (height + (1 << l2h) - 1) >> l2h
    let cy = y >> l2h
    layout.gather(cB, row: row(cB, cy), count: cw, lut: chromaLUT, out: cbA)
    layout.gather(cR, row: row(cR, cy), count: cw, lut: chromaLUT, out: crA)
    if l2h == 1 {
      let other = (y & 1) == 0 ? max(cy - 1, 0) : min(cy + 1, ch - 1)
      layout.gather(cB, row: row(cB, other), count: cw, lut: chromaLUT, out: cbB)
      layout.gather(cR, row: row(cR, other), count: cw, lut: chromaLUT, out: crB)
      for x in 0..<cw {
        cbA[x] = 0.75 * cbA[x] + 0.25 * cbB[x]
        crA[x] = 0.75 * crA[x] + 0.25 * crB[x]
      }
    }
    // Horizontal: left-sited chroma (MPEG-2/H.264 default) → even pixels copy, odd ones average neighbours.
    switch layout.log2ChromaW {
    case 0:
      cbF.update(from: cbA, count: w)
      crF.update(from: crA, count: w)
    case 1:
      let pairs = w / 2
      for i in 0..<pairs {
        let j = min(i + 1, cw - 1)
        cbF[2 * i] = cbA[i]
        crF[2 * i] = crA[i]
        cbF[2 * i + 1] = 0.5 * (cbA[i] + cbA[j])
        crF[2 * i + 1] = 0.5 * (crA[i] + crA[j])
      }
      if w & 1 == 1 {
        cbF[w - 1] = cbA[cw - 1]
        crF[w - 1] = crA[cw - 1]
      }
    default:
      let s = layout.log2ChromaW
      for x in 0..<w {
        cbF[x] = cbA[x >> s]
        crF[x] = crA[x >> s]
      }
    }
    // Matrix (BT.709/601/2020 Y'CbCr → R'G'B'), clipped to the nominal signal range.
    let crR = plan.crR, cbG = plan.cbG, crG = plan.crG, cbB_ = plan.cbB
    for x in 0..<w {
      let yv = luma[x], cb = cbF[x], cr = crF[x]
      let rv = yv + crR * cr
      let gv = yv - cbG * cb - crG * cr
      let bv = yv + cbB_ * cb
      r[x] = min(max(rv, 0), 1)
      g[x] = min(max(gv, 0), 1)
      b[x] = min(max(bv, 0), 1)
    }
  }

  // MARK: - Linear

  /// Linearises a signal row into row `y` of `linear` and converts its primaries to BT.709.
  private func linearRow(
    r: UnsafeMutablePointer<Float>, g: UnsafeMutablePointer<Float>, b: UnsafeMutablePointer<Float>,
    y: Int, into linear: PlanarImage
  ) {
    let w = width
    let lr = linear.row(0, y), lg = linear.row(1, y), lb = linear.row(2, y)
    let segments = plan.linearize.segments
    plan.linearize.table.withUnsafeBufferPointer { t in
      let t = t.baseAddress!
      for x in 0..<w {
        lr[x] = TransferLUT.eval(r[x], t, segments)
        lg[x] = TransferLUT.eval(g[x], t, segments)
        lb[x] = TransferLUT.eval(b[x], t, segments)
      }
    }
    guard let m = plan.toBT709 else { return }
    let (m0, m1, m2, m3, m4, m5, m6, m7, m8) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
    for x in 0..<w {
      let rv = lr[x], gv = lg[x], bv = lb[x]
      lr[x] = max(0, m0 * rv + m1 * gv + m2 * bv)
      lg[x] = max(0, m3 * rv + m4 * gv + m5 * bv)
      lb[x] = max(0, m6 * rv + m7 * gv + m8 * bv)
    }
  }
}
