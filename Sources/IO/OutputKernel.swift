import CShim
import Imaging

/// The per-row work of ``OutputConverter``: linear BT.709 → output primaries → PQ/HLG/linear signal →
/// 10- or 12-bit Y'CbCr (4:4:4, or left-sited 4:2:2 / 4:2:0) or float G/B/R planes, with light statistics.
///
/// Arithmetic runs on SIMD8 lanes; curves are ``SIMDLUT`` lookups. Frame rows written by full SIMD8
/// stores rely on libav's row padding (linesize is rounded up to ≥ 32 bytes).
struct OutputKernel {
  typealias V = SIMD8<Float>
  let plan: OutputPlan
  let image: PlanarImage
  let planes: [UnsafeMutableRawPointer]
  let strides: [Int]
  /// Image width rounded up to a multiple of 8 (scratch row length).
  let paddedWidth: Int

  init(plan: OutputPlan, image: PlanarImage, frame f: AVFrame, planeCount: Int) {
    self.plan = plan
    self.image = image
    let d = [f.data.0, f.data.1, f.data.2]
    planes = (0..<planeCount).map { UnsafeMutableRawPointer(d[$0]!) }
    strides = [f.linesize.0, f.linesize.1, f.linesize.2].map { Int($0) }
    paddedWidth = (image.width + 7) & ~7
  }

  /// Converts the image into the frame; returns the frame's max and mean of max(R, G, B) in cd/m².
  func run(format: AVPixelFormat) -> (max: Double, mean: Double) {
    let h = image.height, w = image.width
    let desc = av_pix_fmt_desc_get(format)!.pointee
    let isFloat = desc.flags & UInt64(AV_PIX_FMT_FLAG_FLOAT) != 0
    let chromaW = Int(desc.log2_chroma_w), chromaH = Int(desc.log2_chroma_h)
    let is420 = !isFloat && chromaH == 1
    let tasks = is420 ? (h + 1) / 2 : h
    let maxes = UnsafeMutableBufferPointer<Float>.allocate(capacity: tasks)
    let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: tasks)
    defer {
      maxes.deallocate()
      sums.deallocate()
    }
    let pw = paddedWidth
    plan.pq.withUnsafeBufferPointer { pq in
      plan.hlgRatio.withUnsafeBufferPointer { hr in
        plan.hlgOETF.withUnsafeBufferPointer { oe in
          let luts = (pq.baseAddress!, hr.baseAddress!, oe.baseAddress!)
          Parallel.forRanges(tasks, minChunk: 4) { t0, t1 in
            let scratch = UnsafeMutableRawPointer.allocate(byteCount: 11 * pw * 4, alignment: 64)
              .bindMemory(to: Float.self, capacity: 11 * pw)
            defer { scratch.deallocate() }
            for t in t0..<t1 {
              if isFloat {
                (maxes[t], sums[t]) = rowFloat(t, scratch, luts)
              } else if is420 {
                (maxes[t], sums[t]) = rowPair420(t, scratch, luts)
              } else if chromaW == 1 {
                (maxes[t], sums[t]) = row422(t, scratch, luts)
              } else {
                (maxes[t], sums[t]) = row444(t, scratch, luts)
              }
            }
          }
        }
      }
    }
    var m: Float = 0
    var s = 0.0
    for t in 0..<tasks {
      m = max(m, maxes[t])
      s += sums[t]
    }
    let scale = Double(plan.statsScale)
    return (Double(m) * scale, s * scale / Double(w * h))
  }

  typealias LUTs = (pq: UnsafePointer<Float>, hlgRatio: UnsafePointer<Float>, hlgOETF: UnsafePointer<Float>)

  // MARK: - Signal

  /// R'G'B' of image row `y` into r, g, b (padded to 8); returns (max, sum) of the row's max(R, G, B).
  @inline(__always)
  private func signalRow(
    _ y: Int, _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
    _ luts: LUTs
  ) -> (Float, Double) {
    // Two copies of the loop, one per value of the gamut-compression switch: with the test inside one loop the
    // compiler kept it there and `static` spent 30 % more time in this function.
    plan.gamutCompress && plan.encoding != .linear
      ? signalLoop(y, r, g, b, luts, compress: true) : signalLoop(y, r, g, b, luts, compress: false)
  }

  @inline(__always) private func signalLoop(
    _ y: Int, _ r: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>,
    _ luts: LUTs, compress: Bool
  ) -> (Float, Double) {
    let w = image.width
    let ir = UnsafePointer(image.row(0, y)), ig = UnsafePointer(image.row(1, y))
    let ib = UnsafePointer(image.row(2, y))
    let m = plan.matrix
    let (m0, m1, m2, m3, m4, m5, m6, m7, m8) = (m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8])
    let peak = V(repeating: plan.peakNits), zero = V()
    var vmax = V(), vsum = V()
    let encoding = plan.encoding
    let invPQ: Float = 1 / 10000, invPeak = 1 / plan.peakNits
    let kr = plan.kr, kg = plan.kg, kb = plan.kb
    let knee = V(repeating: plan.compressKneeNits), span = V(repeating: plan.peakNits - plan.compressKneeNits)
    let invSpan = 1 / span
    for x in stride(from: 0, to: w, by: 8) {
      let sr = SIMDLUT.load(ir, x, w), sg = SIMDLUT.load(ig, x, w), sb = SIMDLUT.load(ib, x, w)
      // Linear BT.709 → output primaries (cd/m² for PQ/HLG, relative for linear).
      var rv = m0 * sr + m1 * sg + m2 * sb
      var gv = m3 * sr + m4 * sg + m5 * sb
      var bv = m6 * sr + m7 * sg + m8 * sb
      if compress {
        // Outside the output gamut (a negative component): towards the pixel's luminance, just enough.
        let lum = SIMDLUT.max(kr * rv + kg * gv + kb * bv, zero)
        let low = SIMDLUT.min(SIMDLUT.min(rv, gv), bv)
        let keep = (lum / (lum - low)).replacing(with: 1, where: low .>= zero)
        rv = lum + keep * (rv - lum)
        gv = lum + keep * (gv - lum)
        bv = lum + keep * (bv - lum)
        // Above the knee: max(R, G, B) rolls off towards the peak (k + (P − k)·x/(1 + x)), ratios kept.
        let high = SIMDLUT.max(SIMDLUT.max(rv, gv), bv)
        let over = (high - knee) * invSpan
        let scale = ((knee + span * over / (1 + over)) / high).replacing(with: 1, where: high .<= knee)
        rv *= scale
        gv *= scale
        bv *= scale
      }
      if encoding != .linear {
        rv = SIMDLUT.min(SIMDLUT.max(rv, zero), peak)
        gv = SIMDLUT.min(SIMDLUT.max(gv, zero), peak)
        bv = SIMDLUT.min(SIMDLUT.max(bv, zero), peak)
      }
      // CTA-861.3: max(R, G, B) per pixel (tail lanes load as 0 and add nothing).
      let mx0 = SIMDLUT.max(SIMDLUT.max(rv, gv), bv)
      let mx = zero.replacing(with: mx0, where: mx0 .> zero)  // negative and NaN count as black
      vmax = SIMDLUT.max(vmax, mx)
      vsum += mx
      switch encoding {
      case .linear:
        break
      case .pq:
        // SMPTE ST 2084 inverse EOTF.
        rv = SIMDLUT.log(rv * invPQ, luts.pq)
        gv = SIMDLUT.log(gv * invPQ, luts.pq)
        bv = SIMDLUT.log(bv * invPQ, luts.pq)
      case .hlg:
        // BT.2100 inverse OOTF (E = F_D / L_W · u^(1/γ − 1), u = Y_D / L_W), then the HLG OETF.
        let u = (kr * rv + kg * gv + kb * bv) * invPeak
        let k = SIMDLUT.log(u, luts.hlgRatio) * invPeak
        rv = SIMDLUT.log(rv * k, luts.hlgOETF)
        gv = SIMDLUT.log(gv * k, luts.hlgOETF)
        bv = SIMDLUT.log(bv * k, luts.hlgOETF)
      }
      SIMDLUT.store8(rv, r + x)
      SIMDLUT.store8(gv, g + x)
      SIMDLUT.store8(bv, b + x)
    }
    var rowMax: Float = 0
    var rowSum: Double = 0
    for l in 0..<8 {
      rowMax = max(rowMax, vmax[l])
      rowSum += Double(vsum[l])
    }
    return (rowMax, rowSum)
  }

  // MARK: - Writers

  /// Codes round(offset + scale · v), clipped to 0...2ⁿ − 1, as UInt16 lanes.
  @inline(__always) private func codes(_ v: V, _ scale: Float, _ offset: Float) -> SIMD8<UInt16> {
    let c = SIMDLUT.clamp(v * scale + offset, 0, plan.codeMax)
    return SIMD8<UInt16>(truncatingIfNeeded: SIMDLUT.roundToInt(c))
  }

  @inline(__always) private func store(_ v: SIMD8<UInt16>, _ p: UnsafeMutablePointer<UInt16>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<UInt16>.self)
  }

  private func plane16(_ p: Int, _ y: Int) -> UnsafeMutablePointer<UInt16> {
    (planes[p] + y * strides[p]).assumingMemoryBound(to: UInt16.self)
  }

  /// Float planar G, B, R (gbrpf32le) straight from the signal.
  private func rowFloat(_ y: Int, _ s: UnsafeMutablePointer<Float>, _ luts: LUTs) -> (Float, Double) {
    let g = (planes[0] + y * strides[0]).assumingMemoryBound(to: Float.self)
    let b = (planes[1] + y * strides[1]).assumingMemoryBound(to: Float.self)
    let r = (planes[2] + y * strides[2]).assumingMemoryBound(to: Float.self)
    return signalRow(y, r, g, b, luts)
  }

  /// One row of 4:4:4 Y'CbCr.
  private func row444(_ y: Int, _ s: UnsafeMutablePointer<Float>, _ luts: LUTs) -> (Float, Double) {
    let pw = paddedWidth
    let r = s, g = s + pw, b = s + 2 * pw
    let stats = signalRow(y, r, g, b, luts)
    let py = plane16(0, y), pb = plane16(1, y), pr = plane16(2, y)
    let (kr, kg, kb, cbs, crs) = (plan.kr, plan.kg, plan.kb, plan.cbScale, plan.crScale)
    let (ys, yo, cs, co) = (plan.yScale, plan.yOffset, plan.cScale, plan.cOffset)
    for x in stride(from: 0, to: image.width, by: 8) {
      let rv = SIMDLUT.load8(r + x), gv = SIMDLUT.load8(g + x), bv = SIMDLUT.load8(b + x)
      let luma = kr * rv + kg * gv + kb * bv
      store(codes(luma, ys, yo), py + x)
      store(codes((bv - luma) * cbs, cs, co), pb + x)
      store(codes((rv - luma) * crs, cs, co), pr + x)
    }
    return stats
  }

  /// One row of 4:2:2 Y'CbCr: chroma [1 2 1]/4 horizontally, on the even luma columns (left-sited).
  private func row422(_ y: Int, _ s: UnsafeMutablePointer<Float>, _ luts: LUTs) -> (Float, Double) {
    let pw = paddedWidth
    let r = s, g = s + pw, b = s + 2 * pw, cbV = s + 3 * pw, crV = s + 4 * pw
    let stats = signalRow(y, r, g, b, luts)
    let py = plane16(0, y)
    let (kr, kg, kb, cbs, crs) = (plan.kr, plan.kg, plan.kb, plan.cbScale, plan.crScale)
    let (ys, yo) = (plan.yScale, plan.yOffset)
    for x in stride(from: 0, to: image.width, by: 8) {
      let rv = SIMDLUT.load8(r + x), gv = SIMDLUT.load8(g + x), bv = SIMDLUT.load8(b + x)
      let luma = kr * rv + kg * gv + kb * bv
      store(codes(luma, ys, yo), py + x)
      SIMDLUT.store8((bv - luma) * cbs, cbV + x)
      SIMDLUT.store8((rv - luma) * crs, crV + x)
    }
    siteChroma(cbV, crV, plane16(1, y), plane16(2, y))
    return stats
  }

  /// Rows 2t and 2t+1 of 4:2:0 Y'CbCr, chroma [1 2 1]/4 horizontally; vertically averaged over the two rows
  /// (left siting, between them) or [1 2 1]/4 over rows 2t − 1...2t + 1 (top-left siting, on row 2t).
  private func rowPair420(_ t: Int, _ s: UnsafeMutablePointer<Float>, _ luts: LUTs) -> (Float, Double) {
    let w = image.width, pw = paddedWidth
    let y0 = 2 * t, y1 = min(2 * t + 1, image.height - 1)
    let r0 = s, g0 = s + pw, b0 = s + 2 * pw, r1 = s + 3 * pw, g1 = s + 4 * pw, b1 = s + 5 * pw
    let cbV = s + 6 * pw, crV = s + 7 * pw
    let a = signalRow(y0, r0, g0, b0, luts)
    var stats = a
    if y1 != y0 {
      let b = signalRow(y1, r1, g1, b1, luts)
      stats = (max(a.0, b.0), a.1 + b.1)
    } else {
      r1.update(from: r0, count: pw)
      g1.update(from: g0, count: pw)
      b1.update(from: b0, count: pw)
    }
    let py0 = plane16(0, y0), py1 = plane16(0, y1)
    let (kr, kg, kb) = (plan.kr, plan.kg, plan.kb)
    let (cbs, crs) = (0.5 * plan.cbScale, 0.5 * plan.crScale)
    let (ys, yo) = (plan.yScale, plan.yOffset)
    // Top-left siting also needs the row above (the first row repeats); it only feeds chroma.
    let topLeft = plan.chromaTopLeft
    let rp = s + 8 * pw, gp = s + 9 * pw, bp = s + 10 * pw
    if topLeft {
      if y0 > 0 {
        _ = signalRow(y0 - 1, rp, gp, bp, luts)
      } else {
        rp.update(from: r0, count: pw)
        gp.update(from: g0, count: pw)
        bp.update(from: b0, count: pw)
      }
    }
    for x in stride(from: 0, to: w, by: 8) {
      let ra = SIMDLUT.load8(r0 + x), ga = SIMDLUT.load8(g0 + x), ba = SIMDLUT.load8(b0 + x)
      let rb = SIMDLUT.load8(r1 + x), gb = SIMDLUT.load8(g1 + x), bb = SIMDLUT.load8(b1 + x)
      let l0 = kr * ra + kg * ga + kb * ba
      let l1 = kr * rb + kg * gb + kb * bb
      store(codes(l0, ys, yo), py0 + x)
      store(codes(l1, ys, yo), py1 + x)
      if topLeft {
        let rc = SIMDLUT.load8(rp + x), gc = SIMDLUT.load8(gp + x), bc = SIMDLUT.load8(bp + x)
        let lc = kr * rc + kg * gc + kb * bc
        SIMDLUT.store8(cbs * (0.5 * (bc - lc) + (ba - l0) + 0.5 * (bb - l1)), cbV + x)
        SIMDLUT.store8(crs * (0.5 * (rc - lc) + (ra - l0) + 0.5 * (rb - l1)), crV + x)
      } else {
        SIMDLUT.store8(cbs * ((ba - l0) + (bb - l1)), cbV + x)
        SIMDLUT.store8(crs * ((ra - l0) + (rb - l1)), crV + x)
      }
    }
    siteChroma(cbV, crV, plane16(1, t), plane16(2, t))
    return stats
  }

  /// Full-width colour differences → codes on the even luma columns, filtered [1 2 1]/4 (left siting).
  private func siteChroma(
    _ cbV: UnsafeMutablePointer<Float>, _ crV: UnsafeMutablePointer<Float>, _ pb: UnsafeMutablePointer<UInt16>,
    _ pr: UnsafeMutablePointer<UInt16>
  ) {
    let w = image.width
    let (cs, co) = (plan.cScale, plan.cOffset)
    let cw = (w + 1) / 2
    // Chroma sample i sits on luma column 2i: [1 2 1]/4 over columns 2i − 1...2i + 1 (edges repeat).
    @inline(__always) func scalar(_ i: Int) {
      let x = 2 * i
      let l = max(x - 1, 0), rr = min(x + 1, w - 1)
      let cb = 0.25 * cbV[l] + 0.5 * cbV[x] + 0.25 * cbV[rr]
      let cr = 0.25 * crV[l] + 0.5 * crV[x] + 0.25 * crV[rr]
      pb[i] = codes(V(repeating: cb), cs, co)[0]
      pr[i] = codes(V(repeating: cr), cs, co)[0]
    }
    /// Even (offset 0) or odd (offset 1) columns 2i + offset ... 2i + 14 + offset.
    @inline(__always) func columns(_ p: UnsafeMutablePointer<Float>, _ c: Int) -> V {
      let a = SIMDLUT.load8(p + c), b = SIMDLUT.load8(p + c + 8)
      return V(a[0], a[2], a[4], a[6], b[0], b[2], b[4], b[6])
    }
    scalar(0)
    var i = 1
    // Vector body: needs columns up to 2(i + 7) + 1 ≤ w − 1 and loads up to 2i + 16 < padded width.
    while 2 * (i + 7) + 2 <= w - 1 {
      let x = 2 * i
      let cb = 0.25 * (columns(cbV, x - 1) + columns(cbV, x + 1)) + 0.5 * columns(cbV, x)
      let cr = 0.25 * (columns(crV, x - 1) + columns(crV, x + 1)) + 0.5 * columns(crV, x)
      store(codes(cb, cs, co), pb + i)
      store(codes(cr, cs, co), pr + i)
      i += 8
    }
    while i < cw {
      scalar(i)
      i += 1
    }
  }
}
