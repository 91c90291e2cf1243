import Imaging
import VectorMath

/// Local chroma ratios k_c = R, G or B / (R + G + B) learned on unclipped highlight pixels and spread over
/// clipped regions by push-pull (``PushPull``), darktable "inpaint opposed" style but local.
///
/// Data pixels: no channel clipped, weighted by ramp(max channel, 0.5·clip → 0.9·clip) · (R + G + B)/3, so the
/// bright ring around each clipped region dominates. Estimated at half resolution over the crop `box`
/// ([3, ⌈h/2⌉, ⌈w/2⌉]) and sampled bilinearly per full-resolution pixel; ratios are renormalised to sum 1,
/// neutral (⅓) where the sum vanishes.
final class ChromaField {
  /// Filled ratios [3, h, w] at half resolution over the crop.
  let ratios: PlanarImage
  let scale: Int
  let originX: Int, originY: Int
  private let boxW: Int

  /// Estimates the field from `image` ([3, H, W] linear) inside `box`; `scratch` holds the buffers (reused
  /// across frames; the field's planes live there until the next estimate).
  init(image: PlanarImage, clip: Float, box: PixelBox, scratch: ScratchImages = ScratchImages()) {
    let w = box.width, h = box.height
    originX = box.x0
    originY = box.y0
    boxW = box.width
    let ox = box.x0, oy = box.y0
    let s = (w >= 16 && h >= 16) ? 2 : 1
    scale = s
    let cw = (w + s - 1) / s, ch = (h + s - 1) / s
    let values = scratch.image(0, width: cw, height: ch, channels: 3)
    let weights = scratch.image(1, width: cw, height: ch, channels: 1)
    let lo = 0.5 * clip, invSpan = 1 / (0.4 * clip)
    Parallel.forRanges(ch, minChunk: 4) { start, end in
      // Full-resolution premultiplied rows (R·ω, G·ω, B·ω, ω) for the two source rows.
      let rows = UnsafeMutablePointer<Float>.allocate(capacity: 8 * w + 16)
      defer { rows.deallocate() }
      for y in start..<end {
        for k in 0..<s {
          let fy = min(s * y + k, h - 1) + oy
          let r = image.row(0, fy) + ox, g = image.row(1, fy) + ox, b = image.row(2, fy) + ox
          let base = rows + k * 4 * w
          var x = 0
          while x < w {
            let n = min(8, w - x)
            var rv = SIMD8<Float>(repeating: 0), gv = rv, bv = rv
            if n == 8 {
              rv = SIMDLoad.load8(r + x); gv = SIMDLoad.load8(g + x); bv = SIMDLoad.load8(b + x)
            } else {
              for i in 0..<n { rv[i] = r[x + i]; gv[i] = g[x + i]; bv[i] = b[x + i] }
            }
            rv = SIMDMath.max(rv, .zero); gv = SIMDMath.max(gv, .zero); bv = SIMDMath.max(bv, .zero)
            let m = SIMDMath.max(rv, SIMDMath.max(gv, bv))
            var ramp = SIMDMath.clamp((m - lo) * invSpan, 0, 1)
            ramp = ramp.replacing(with: 0, where: m .>= clip)
            let wr = ramp * (1.0 / 3)
            let pr = wr * rv, pg = wr * gv, pb = wr * bv, pw = wr * (rv + gv + bv)
            if n == 8 {
              SIMDLoad.store8(pr, base + x)
              SIMDLoad.store8(pg, base + w + x)
              SIMDLoad.store8(pb, base + 2 * w + x)
              SIMDLoad.store8(pw, base + 3 * w + x)
            } else {
              for i in 0..<n {
                base[x + i] = pr[i]
                base[w + x + i] = pg[i]
                base[2 * w + x + i] = pb[i]
                base[3 * w + x + i] = pw[i]
              }
            }
            x += 8
          }
        }
        for p in 0..<4 {
          let d = p < 3 ? values.row(p, y) : weights.row(0, y)
          if s == 1 {
            d.update(from: rows + p * w, count: w)
          } else {
            Pyramid.downsampleRows(rows + p * w, rows + 4 * w + p * w, width: w, into: d)
          }
        }
      }
    }
    ratios = Self.pushPull(values, weights, scratch: scratch, level: 0)
  }

  /// ``PushPull/fill(premultiplied:weights:)`` (same arithmetic) with the pyramid in `scratch`.
  static func pushPull(_ values: PlanarImage, _ weights: PlanarImage, scratch: ScratchImages, level: Int) -> PlanarImage {
    let w = values.width, h = values.height, n = values.planeSize
    let out = scratch.image(10 + 4 * level, width: w, height: h, channels: values.channels)
    if max(w, h) <= 2 {
      for c in 0..<values.channels {
        var sp: Float = 0, sw: Float = 0
        let p = values.plane(c), wp = weights.plane(0), o = out.plane(c)
        for i in 0..<n { sp += p[i]; sw += wp[i] }
        let mean = sw > 0 ? sp / sw : 0
        for i in 0..<n { o[i] = wp[i] > 1e-12 ? p[i] / wp[i] : mean }
      }
      return out
    }
    let cw = Pyramid.coarserSize(w), ch = Pyramid.coarserSize(h)
    let pc = scratch.image(11 + 4 * level, width: cw, height: ch, channels: values.channels)
    let wc = scratch.image(12 + 4 * level, width: cw, height: ch, channels: 1)
    Pyramid.downsample2x(values, into: pc)
    Pyramid.downsample2x(weights, into: wc)
    let fc = pushPull(pc, wc, scratch: scratch, level: level + 1)
    Pyramid.upsample2x(fc, into: out)
    // Pull: o = p + (1 − clamp(w, 0, 1))·o.
    let wp = weights.plane(0)
    Parallel.forRanges(values.channels * n, minChunk: 32768) { s, e in
      var i = s
      while i < e {
        let c = i / n, start = i - c * n, end = min(n, start + (e - i))
        let o = out.plane(c), p = values.plane(c)
        var j = start
        while j + 8 <= end {
          let up = SIMDLoad.load8(o + j), wv = SIMDLoad.load8(wp + j)
          SIMDLoad.store8(SIMDLoad.load8(p + j) + (SIMD8<Float>(repeating: 1) - SIMDMath.clamp(wv, 0, 1)) * up, o + j)
          j += 8
        }
        while j < end {
          o[j] = p[j] + (1 - min(max(wp[j], 0), 1)) * o[j]
          j += 1
        }
        i += end - start
      }
    }
    return out
  }

  /// Ratios at full-resolution pixel (x, y), renormalised to sum 1.
  @inline(__always)
  func sample(_ fullX: Int, _ fullY: Int) -> (Float, Float, Float) {
    let w = ratios.width, h = ratios.height
    let sx = min(max((Float(fullX - originX) + 0.5) / Float(scale) - 0.5, 0), Float(w - 1))
    let sy = min(max((Float(fullY - originY) + 0.5) / Float(scale) - 0.5, 0), Float(h - 1))
    let x0 = Int(sx), y0 = Int(sy)
    let x1 = min(x0 + 1, w - 1), y1 = min(y0 + 1, h - 1)
    let fx = sx - Float(x0), fy = sy - Float(y0)
    @inline(__always) func at(_ c: Int) -> Float {
      let p = ratios.plane(c)
      let a = p[y0 * w + x0] + (p[y0 * w + x1] - p[y0 * w + x0]) * fx
      let b = p[y1 * w + x0] + (p[y1 * w + x1] - p[y1 * w + x0]) * fx
      return max(a + (b - a) * fy, 0)
    }
    return Self.normalised(at(0), at(1), at(2))
  }

  /// Width of the full-resolution crop the field covers.
  var boxWidth: Int { boxW }

  /// Normalised ratios (each ≥ 0, summing to 1; ⅓ each where the sum is ≤ 1e-4) of full-resolution row `y`
  /// at every column of the crop, into k[0 ..< boxWidth] (R), k[boxWidth ..< 2·boxWidth] (G) and the next
  /// boxWidth (B); column i is full-resolution x = originX + i. Bilinear as ``sample(_:_:)`` (the 2× pattern
  /// ¼/¾ with replicated edges), SIMD. `scratch` holds 3·(ratios.width + 2) + 8 floats.
  func sampleRowLanes(_ y: Int, into k: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
    let w = ratios.width, h = ratios.height, fw = boxW
    let sy = min(max((Float(y - originY) + 0.5) / Float(scale) - 0.5, 0), Float(h - 1))
    let ya = Int(sy), yb = min(ya + 1, h - 1), fy = sy - Float(ya)
    for c in 0..<3 {
      let a = ratios.row(c, ya), b = ratios.row(c, yb), out = k + c * fw
      if scale == 1 {
        var x = 0
        while x + 8 <= w {
          let va = SIMDLoad.load8(a + x)
          SIMDLoad.store8(va + (SIMDLoad.load8(b + x) - va) * fy, out + x)
          x += 8
        }
        while x < w { out[x] = a[x] + (b[x] - a[x]) * fy; x += 1 }
        continue
      }
      // Vertical lerp into v[1 ... w], replicated at v[0] and v[w + 1]; then the 2× horizontal pattern.
      let v = scratch + c * (w + 2)
      var x = 0
      while x + 8 <= w {
        let va = SIMDLoad.load8(a + x)
        SIMDLoad.store8(va + (SIMDLoad.load8(b + x) - va) * fy, v + 1 + x)
        x += 8
      }
      while x < w { v[1 + x] = a[x] + (b[x] - a[x]) * fy; x += 1 }
      v[0] = v[1]
      v[w + 1] = v[w]
      var i = 0
      while i + 8 <= w && 2 * i + 16 <= fw {
        let l = SIMDLoad.load8(v + i), m = SIMDLoad.load8(v + i + 1), r = SIMDLoad.load8(v + i + 2)
        let even = 0.25 * l + 0.75 * m, odd = 0.75 * m + 0.25 * r
        SIMDLoad.store8(SIMD8<Float>(even[0], odd[0], even[1], odd[1], even[2], odd[2], even[3], odd[3]), out + 2 * i)
        SIMDLoad.store8(SIMD8<Float>(even[4], odd[4], even[5], odd[5], even[6], odd[6], even[7], odd[7]), out + 2 * i + 8)
        i += 8
      }
      while 2 * i < fw {
        out[2 * i] = 0.25 * v[i] + 0.75 * v[i + 1]
        if 2 * i + 1 < fw { out[2 * i + 1] = 0.75 * v[i + 1] + 0.25 * v[i + 2] }
        i += 1
      }
    }
    // Clamp at 0 and renormalise.
    let r = k, g = k + fw, b = k + 2 * fw
    let third = SIMD8<Float>(repeating: 1.0 / 3)
    var x = 0
    while x + 8 <= fw {
      let vr = SIMDMath.max(SIMDLoad.load8(r + x), .zero), vg = SIMDMath.max(SIMDLoad.load8(g + x), .zero)
      let vb = SIMDMath.max(SIMDLoad.load8(b + x), .zero)
      let sum = vr + vg + vb
      let small = sum .<= 1e-4
      let inv = 1 / SIMDMath.max(sum, SIMD8(repeating: 1e-4))
      SIMDLoad.store8((vr * inv).replacing(with: third, where: small), r + x)
      SIMDLoad.store8((vg * inv).replacing(with: third, where: small), g + x)
      SIMDLoad.store8((vb * inv).replacing(with: third, where: small), b + x)
      x += 8
    }
    while x < fw {
      let n = Self.normalised(max(r[x], 0), max(g[x], 0), max(b[x], 0))
      r[x] = n.0
      g[x] = n.1
      b[x] = n.2
      x += 1
    }
  }

  @inline(__always)
  static func normalised(_ a: Float, _ b: Float, _ c: Float) -> (Float, Float, Float) {
    let s = a + b + c
    if s <= 1e-4 { return (1.0 / 3, 1.0 / 3, 1.0 / 3) }
    let inv = 1 / s
    return (a * inv, b * inv, c * inv)
  }
}
