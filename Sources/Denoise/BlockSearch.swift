import Imaging
import VectorMath

/// The SAD block search of ``BlockMotion``, with the candidates' horizontal offsets in SIMD lanes.
///
/// For one sample of the block and one vertical offset, the neighbouring candidates read consecutive pixels
/// of the other frame, so one unaligned load serves eight of them. Each lane still adds its samples in the
/// scalar order (rows, then columns, from zero), so every cost, and therefore every choice, equals
/// ``BlockMotion/search(_:_:x:y:size:around:radius:step:)`` bit for bit. Blocks whose candidates would reach
/// past the frame (where the scalar search clamps) are left to the scalar search.
enum BlockSearch {
  /// The displacement near `around` (±radius) with the least SAD over the block, sampled every `step` pixels;
  /// nil where some candidate needs clamping.
  static func interior(
    _ a: PlanarImage, _ b: PlanarImage, x x0: Int, y y0: Int, size: Int, around: SIMD2<Int32>, radius: Int, step: Int
  ) -> SIMD2<Int32>? {
    let w = a.width, h = a.height, n = a.planeSize
    let xEnd = min(x0 + size, w), yEnd = min(y0 + size, h)
    guard xEnd > x0, yEnd > y0 else { return nil }
    let xLast = x0 + (xEnd - 1 - x0) / step * step, yLast = y0 + (yEnd - 1 - y0) / step * step
    let ax = Int(around.x), ay = Int(around.y), span = 2 * radius + 1, groups = (span + 7) / 8
    // Every candidate's samples inside the frame, and the widest load inside the plane.
    guard y0 + ay - radius >= 0, yLast + ay + radius <= h - 1, x0 + ax - radius >= 0, xLast + ax + radius <= w - 1,
      (yLast + ay + radius) * w + xLast + ax - radius + 8 * groups <= n
    else { return nil }
    let pa = a.plane(0), pb = b.plane(0)
    return withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: span * groups) { costs in
      // Candidate rows three at a time, their accumulators in registers: each sample is loaded once per
      // batch, and three (or six) independent additions hide the latency of one.
      let base = pb + (ay - radius) * w + ax - radius
      var r = 0
      while r < span {
        let rows = min(3, span - r), row = base + r * w
        for g in 0..<groups {
          var s0 = SIMD8<Float>.zero, s1 = SIMD8<Float>.zero, s2 = SIMD8<Float>.zero
          var y = y0
          while y <= yLast {
            var x = x0
            while x <= xLast {
              let a = SIMD8(repeating: pa[y * w + x]), p = row + y * w + x + 8 * g
              s0 += SIMDMath.abs(a - SIMDLoad.load8(p))
              if rows > 1 { s1 += SIMDMath.abs(a - SIMDLoad.load8(p + w)) }
              if rows > 2 { s2 += SIMDMath.abs(a - SIMDLoad.load8(p + 2 * w)) }
              x += step
            }
            y += step
          }
          costs[r * groups + g] = s0
          if rows > 1 { costs[(r + 1) * groups + g] = s1 }
          if rows > 2 { costs[(r + 2) * groups + g] = s2 }
        }
        r += rows
      }
      func cost(_ dx: Int, _ dy: Int) -> Float { costs[(dy + radius) * groups + (dx + radius) / 8][(dx + radius) % 8] }
      // The scalar search's order and tie rule.
      var best = around, bestCost = cost(0, 0) * (around == .zero ? 0.95 : 1)
      for dy in -radius...radius {
        for dx in -radius...radius where dx != 0 || dy != 0 {
          let c = cost(dx, dy)
          if c < bestCost { (best, bestCost) = (around &+ SIMD2(Int32(dx), Int32(dy)), c) }
        }
      }
      return best
    }
  }
}
