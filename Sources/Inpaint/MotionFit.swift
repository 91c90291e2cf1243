import Foundation
import Imaging

/// A camera's motion between two log-luminance copies as a smooth field: each of dx, dy a quadratic in the
/// frame's normalised position (u, v in −1...1): c0 + c1·u + c2·v + c3·u² + c4·u·v + c5·v². That covers a pan, a
/// zoom, a roll and the faster edges of a wide-angle pan, which one shift does not.
///
/// Fitted by forward-additive Lucas–Kanade (Gauss–Newton on the log-luminance difference, with an unknown offset
/// for the exposure change), weighted by Huber's rule so clipped edges, moving objects and noise count less; the
/// quadratic terms are held towards zero (ridge) so a frame with little texture keeps to a pan and zoom. Pixels
/// count only where they are usable in both copies.
struct MotionFit {
  /// Coefficients of dx (0–5) and dy (6–11), in working pixels.
  var coefficients: [Double]
  let width: Int
  let height: Int

  /// Huber's threshold on the log difference (natural log, about 0.14 stops).
  static let huberLog = 0.1
  /// Ridge on the quadratic and the linear terms, relative to the translation's own curvature.
  static let quadraticRidge = 0.005
  static let linearRidge = 0.001

  /// A pure shift.
  init(width: Int, height: Int, dx: Double, dy: Double) {
    self.width = width
    self.height = height
    coefficients = [dx, 0, 0, 0, 0, 0, dy, 0, 0, 0, 0, 0]
  }

  /// The shift at continuous position (x, y) (a pixel's centre is its index + 0.5), working pixels.
  func shift(x: Double, y: Double) -> (dx: Double, dy: Double) {
    let u = (x - 0.5 * Double(width)) / (0.5 * Double(width))
    let v = (y - 0.5 * Double(height)) / (0.5 * Double(height))
    let b = (u, v, u * u, u * v, v * v)
    let c = coefficients
    return (
      c[0] + c[1] * b.0 + c[2] * b.1 + c[3] * b.2 + c[4] * b.3 + c[5] * b.4,
      c[6] + c[7] * b.0 + c[8] * b.1 + c[9] * b.2 + c[10] * b.3 + c[11] * b.4
    )
  }

  /// The shift at pixel (x, y), working pixels.
  func shift(_ x: Int, _ y: Int) -> (dx: Double, dy: Double) { shift(x: Double(x) + 0.5, y: Double(y) + 0.5) }

  /// The same motion on copies `factor` times larger.
  func scaled(by factor: Int, width: Int, height: Int) -> MotionFit {
    var m = MotionFit(width: width, height: height, dx: 0, dy: 0)
    m.coefficients = coefficients.map { $0 * Double(factor) }
    return m
  }

  /// The field sampled at the centres of `tiles` × `tiles` tiles (the field's linear extension reproduces it to
  /// within the quadratic's curvature over a tile).
  func field(tiles: Int) -> ShiftField {
    var dx: [Float] = []
    var dy: [Float] = []
    for r in 0..<tiles {
      for c in 0..<tiles {
        let s = shift(
          x: (Double(c) + 0.5) * Double(width) / Double(tiles), y: (Double(r) + 0.5) * Double(height) / Double(tiles))
        dx.append(Float(s.dx))
        dy.append(Float(s.dy))
      }
    }
    return ShiftField(
      columns: tiles, rows: tiles, width: Float(width), height: Float(height), dx: dx, dy: dy)
  }

  /// Up to `iterations` Gauss–Newton steps from this motion; false when the system is singular (no texture).
  mutating func refine(
    previous: PlanarImage, previousValid: [Bool], current: PlanarImage, currentValid: [Bool],
    iterations: Int
  ) -> Bool {
    let w = width
    let h = height
    precondition(previous.width == w && previous.height == h && current.width == w && current.height == h)
    let p = previous.data
    let c = current.data
    // Central-difference gradients of the previous copy, usable where both neighbours on each axis are.
    let gradients = PlanarImage(width: w, height: h, channels: 2)
    let gx = gradients.plane(0)
    let gy = gradients.plane(1)
    var gValid = [Bool](repeating: false, count: w * h)
    for y in 1..<max(1, h - 1) {
      for x in 1..<max(1, w - 1) {
        let i = y * w + x
        guard previousValid[i], previousValid[i - 1], previousValid[i + 1], previousValid[i - w],
          previousValid[i + w]
        else { continue }
        gx[i] = 0.5 * (p[i + 1] - p[i - 1])
        gy[i] = 0.5 * (p[i + w] - p[i - w])
        gValid[i] = true
      }
    }
    var offset = 0.0
    // The basis per column and per row (u depends on x only, v on y only).
    let us = (0..<w).map { (Double($0) + 0.5 - 0.5 * Double(w)) / (0.5 * Double(w)) }
    let vs = (0..<h).map { (Double($0) + 0.5 - 0.5 * Double(h)) / (0.5 * Double(h)) }
    var a = [Double](repeating: 0, count: 13 * 13)
    var g = [Double](repeating: 0, count: 13)
    var j = [Double](repeating: 0, count: 13)
    for _ in 0..<iterations {
      // Normal equations over the 12 coefficients and the offset (index 12).
      for k in a.indices { a[k] = 0 }
      for k in g.indices { g[k] = 0 }
      var count = 0
      let cf = coefficients
      for y in 0..<h {
        let v = vs[y]
        for x in 0..<w where currentValid[y * w + x] {
          let u = us[x]
          let b1 = u
          let b2 = v
          let b3 = u * u
          let b4 = u * v
          let b5 = v * v
          let sx = cf[0] + cf[1] * b1 + cf[2] * b2 + cf[3] * b3 + cf[4] * b4 + cf[5] * b5
          let sy = cf[6] + cf[7] * b1 + cf[8] * b2 + cf[9] * b3 + cf[10] * b4 + cf[11] * b5
          guard let cell = BilinearCell(x: Double(x) - sx, y: Double(y) - sy, width: w, height: h),
            cell.all(gValid)
          else { continue }
          let ex = Double(cell.read(gx))
          let ey = Double(cell.read(gy))
          // r = now − before(p − shift) − offset; ∂r/∂(dx coefficient k) = ex·b_k, ∂r/∂offset = −1.
          let r = Double(c[y * w + x]) - Double(cell.read(p)) - offset
          let weight = abs(r) <= Self.huberLog ? 1 : Self.huberLog / abs(r)
          j[0] = ex
          j[1] = ex * b1
          j[2] = ex * b2
          j[3] = ex * b3
          j[4] = ex * b4
          j[5] = ex * b5
          j[6] = ey
          j[7] = ey * b1
          j[8] = ey * b2
          j[9] = ey * b3
          j[10] = ey * b4
          j[11] = ey * b5
          j[12] = -1
          for m in 0..<13 {
            let wm = weight * j[m]
            g[m] += wm * r
            for n in m..<13 { a[m * 13 + n] += wm * j[n] }
          }
          count += 1
        }
      }
      guard count >= 64 else { return false }
      for m in 0..<13 { for n in 0..<m { a[m * 13 + n] = a[n * 13 + m] } }
      // Ridge: a penalty λ·c² pulls the quadratic terms towards zero, and the linear ones a little (a
      // textureless axis keeps to a shift); λ scales with the translation's own curvature.
      for axis in [0, 6] {
        let scale = max(a[axis * 13 + axis], 1e-9)
        for k in 1...5 {
          let lambda = (k <= 2 ? Self.linearRidge : Self.quadraticRidge) * scale
          a[(axis + k) * 13 + axis + k] += lambda
          g[axis + k] += lambda * cf[axis + k]
        }
      }
      // Minimising Σ w·(r + J·δ)² over the step δ: (JᵀWJ)·δ = −JᵀW·r.
      guard let step = Self.solve(a, g, size: 13) else { return false }
      for k in 0..<12 { coefficients[k] -= step[k] }
      offset -= step[12]
      let largest = step.prefix(12).map(abs).max() ?? 0
      if largest < 0.005 { break }
    }
    // A motion larger than the copy is no fit (an ill-conditioned system that did not quite fail to solve).
    let bound = Double(w + h)
    return coefficients.allSatisfy { $0.isFinite && abs($0) < bound }
  }

  /// Solution of the dense system `a`·x = `b` (row-major, `size`²) by Gaussian elimination with partial
  /// pivoting; nil when singular.
  static func solve(_ a: [Double], _ b: [Double], size n: Int) -> [Double]? {
    var m = a
    var v = b
    for col in 0..<n {
      var pivot = col
      for row in (col + 1)..<n where abs(m[row * n + col]) > abs(m[pivot * n + col]) { pivot = row }
      guard abs(m[pivot * n + col]) > 1e-12 else { return nil }
      if pivot != col {
        for k in 0..<n { m.swapAt(col * n + k, pivot * n + k) }
        v.swapAt(col, pivot)
      }
      for row in (col + 1)..<n {
        let f = m[row * n + col] / m[col * n + col]
        guard f != 0 else { continue }
        for k in col..<n { m[row * n + k] -= f * m[col * n + k] }
        v[row] -= f * v[col]
      }
    }
    var x = [Double](repeating: 0, count: n)
    for row in stride(from: n - 1, through: 0, by: -1) {
      var s = v[row]
      for k in (row + 1)..<n { s -= m[row * n + k] * x[k] }
      x[row] = s / m[row * n + row]
    }
    return x
  }
}
